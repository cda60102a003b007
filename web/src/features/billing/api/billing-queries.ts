/**
 * The Billing page's data through TanStack Query: the catalog, the account's billing status and payments, one
 * payment polled while it is pending (the return from a provider), and the changes (auto top-up, checkout,
 * subscription). A change that moves money or the plan refreshes the status, the payments and the shell's account.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { accountQueryKey } from "../../../lib/account-query";
import { useApi } from "../../../lib/api-context";
import type {
  AutoTopupRequest,
  BillingStatus,
  CheckoutRequest,
  Payment,
  SubscriptionChangeRequest,
} from "../../../lib/api-types";
import type { PaymentProvider } from "../checkout-order";

export const billingQueryKeys = {
  catalog: ["billing", "catalog"] as const,
  status: ["billing", "status"] as const,
  payments: ["billing", "payments"] as const,
  payment: (id: string) => ["billing", "payment", id] as const,
};

/** How often a pending payment is asked about, and for how long, after the provider sent the browser back. */
export const PAYMENT_POLL_MS = 2_000;
export const PAYMENT_POLL_LIMIT_MS = 120_000;
/**
 * How often, at most, the page asks the gateway to check a pending EPS payment with EPS: each check is a call to EPS
 * and spends the dashboard's rate budget (120 requests a minute), which the 2 s poll alone must not use up.
 */
export const EPS_CHECK_EVERY_MS = 10_000;
const lastEpsCheck = new Map<string, number>();

export function useBillingCatalog() {
  const api = useApi();
  return useQuery({
    queryKey: billingQueryKeys.catalog,
    queryFn: ({ signal }) => api.getBillingCatalog({ signal }),
    staleTime: 10 * 60_000,
  });
}

export function useBillingStatus() {
  const api = useApi();
  return useQuery({ queryKey: billingQueryKeys.status, queryFn: ({ signal }) => api.getBillingStatus({ signal }) });
}

export function usePayments() {
  const api = useApi();
  return useQuery({ queryKey: billingQueryKeys.payments, queryFn: ({ signal }) => api.listPayments({ signal }) });
}

/** Refreshes everything a payment or a plan change moves: status, history and the shell's balance and plan. */
export function useRefreshBilling() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: billingQueryKeys.status }),
      queryClient.invalidateQueries({ queryKey: billingQueryKeys.payments }),
      queryClient.invalidateQueries({ queryKey: accountQueryKey }),
    ]);
}

/**
 * One payment, asked about every `PAYMENT_POLL_MS` while pending, until `PAYMENT_POLL_LIMIT_MS` after `since`. EPS
 * tells the gateway nothing the browser can be trusted with (its return URL is unsigned) and its IPN may come late,
 * so while an EPS payment is pending each poll first asks the gateway to check it with EPS itself.
 */
export function usePolledPayment(id: string, since: number) {
  const api = useApi();
  return useQuery({
    queryKey: billingQueryKeys.payment(id),
    queryFn: async ({ signal }) => {
      const payment = await api.getPayment(id, { signal });
      if (payment.provider !== "eps" || payment.status !== "pending") return payment;
      if (Date.now() - (lastEpsCheck.get(id) ?? 0) < EPS_CHECK_EVERY_MS) return payment;
      lastEpsCheck.set(id, Date.now());
      // A check that fails (EPS unreachable, the gateway's rate limit) leaves the payment as it was: asked again later.
      const checked = await api.verifyEpsPayment(payment.merchantReference, { signal }).catch(() => null);
      return checked === null || checked.status === "pending" ? payment : api.getPayment(id, { signal });
    },
    refetchInterval: (query) => {
      const payment: Payment | undefined = query.state.data;
      if (query.state.status === "error") return false;
      if (payment && payment.status !== "pending") return false;
      return Date.now() - since < PAYMENT_POLL_LIMIT_MS ? PAYMENT_POLL_MS : false;
    },
    staleTime: 0,
  });
}

export function useSaveAutoTopup() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AutoTopupRequest) => api.saveAutoTopup(input),
    onSuccess: (status: BillingStatus) => queryClient.setQueryData(billingQueryKeys.status, status),
  });
}

/** Starts a checkout, then sends the browser to the provider's page (it comes back to `/billing?payment=<id>`). */
export function useCheckout() {
  const api = useApi();
  return useMutation({
    mutationFn: async ({ provider, request }: { provider: PaymentProvider; request: CheckoutRequest }) => {
      const checkout = await api.startCheckout(provider, request);
      window.location.assign(checkout.url);
      return checkout;
    },
  });
}

export function usePortal() {
  const api = useApi();
  return useMutation({
    mutationFn: async () => {
      const portal = await api.openBillingPortal();
      window.location.assign(portal.url);
      return portal;
    },
  });
}

export function useSubscriptionChange() {
  const api = useApi();
  const refresh = useRefreshBilling();
  return useMutation({
    mutationFn: (action: "cancel" | "resume") => api.changeSubscription(action),
    onSuccess: () => refresh(),
  });
}

/** Moves the Stripe subscription to another paid plan (Stripe prorates); the status and history refresh after. */
export function usePlanChange() {
  const api = useApi();
  const refresh = useRefreshBilling();
  return useMutation({
    mutationFn: (input: SubscriptionChangeRequest) => api.changePlan(input),
    onSuccess: () => refresh(),
  });
}
