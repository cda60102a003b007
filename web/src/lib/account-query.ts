/** The signed-in account, shared by every part of the SPA through one query key. */
import { useQuery } from "@tanstack/react-query";
import { useApi } from "./api-context";

export const accountQueryKey = ["account"] as const;

export function useAccount() {
  const api = useApi();
  return useQuery({ queryKey: accountQueryKey, queryFn: ({ signal }) => api.getAccount({ signal }) });
}
