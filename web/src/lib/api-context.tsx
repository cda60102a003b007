/**
 * The API client and the query cache for the whole SPA. Features read data through TanStack Query
 * (`useQuery({ queryKey, queryFn: ({ signal }) => api.listKeys({ signal }) })`) with `useApi()`, never with a
 * hand-written fetch.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createContext, useContext, type ReactNode } from "react";
import type { ApiClient } from "./api-client";
import { ApiError } from "./api-error";

const ApiContext = createContext<ApiClient | null>(null);

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // One retry for a network failure or a 5xx; a refusal (4xx) says the same the second time.
        retry: (failures, error) =>
          failures < 1 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
        refetchOnWindowFocus: false,
      },
      mutations: { retry: 0 },
    },
  });
}

export function ApiProvider({
  client,
  queryClient,
  children,
}: {
  client: ApiClient;
  queryClient: QueryClient;
  children: ReactNode;
}) {
  return (
    <ApiContext.Provider value={client}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </ApiContext.Provider>
  );
}

export function useApi(): ApiClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error("useApi() outside <ApiProvider>.");
  return client;
}
