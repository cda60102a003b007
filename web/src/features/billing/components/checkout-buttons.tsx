import { ApiError } from "../../../lib/api-error";
import type { CheckoutRequest } from "../../../lib/api-types";
import { useMessages } from "../../../lib/i18n";
import { useCheckout } from "../api/billing-queries";
import type { PaymentProvider } from "../checkout-order";
import { billingMessages } from "../messages";
import { providerName, type BillingT } from "./labels";

/** A checkout the server cannot start: not built into this deployment (404) or not configured (503). */
function isUnavailable(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 503);
}

/** Why a checkout or plan change failed: translated, with the API's own message marked as English. */
export function CheckoutError({ error, provider, t }: { error: unknown; provider: PaymentProvider; t: BillingT }) {
  if (isUnavailable(error))
    return (
      <p className="field-error" role="alert" data-testid="checkout-error">
        {t("checkoutUnavailable", { provider: providerName(provider) })}
      </p>
    );
  return (
    <p className="field-error" role="alert" data-testid="checkout-error">
      {t("checkoutFailed")} <span lang="en">{error instanceof Error ? error.message : String(error)}</span>
    </p>
  );
}

interface CheckoutButtonsProps {
  request: CheckoutRequest;
  /** In the order to offer them (checkout-order.ts). */
  providers: PaymentProvider[];
  labels: Record<PaymentProvider, string>;
  /** Test ids of the buttons, per provider. */
  testIds: Record<PaymentProvider, string>;
  /** What the buttons are about, for screen readers ("Credit pack: $10.00 of credit"). */
  describedBy?: string;
}

/** One button per configured provider; the first is the primary one. Goes to the provider's page on success. */
export function CheckoutButtons({ request, providers, labels, testIds, describedBy }: CheckoutButtonsProps) {
  const t = useMessages(billingMessages);
  const checkout = useCheckout();
  const chosen = checkout.variables?.provider;
  return (
    <div className="billing-checkout">
      <div className="actions">
        {providers.map((provider, index) => (
          <button
            key={provider}
            type="button"
            className={index === 0 ? "button-primary" : undefined}
            data-testid={testIds[provider]}
            aria-describedby={describedBy}
            disabled={checkout.isPending || checkout.isSuccess}
            onClick={() => checkout.mutate({ provider, request })}
          >
            {labels[provider]}
          </button>
        ))}
      </div>
      <div role="status" aria-live="polite">
        {checkout.isPending || checkout.isSuccess ? <p>{t("redirecting")}</p> : null}
      </div>
      {checkout.isError && chosen ? <CheckoutError error={checkout.error} provider={chosen} t={t} /> : null}
    </div>
  );
}
