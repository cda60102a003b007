import { useEffect, useRef, useState } from "react";
import { Loading } from "../../../components/ui/states";
import { ApiError } from "../../../lib/api-error";
import { formatMoney } from "../../../lib/format";
import { useLocale, useMessages } from "../../../lib/i18n";
import { PAYMENT_POLL_LIMIT_MS, usePolledPayment, useRefreshBilling } from "../api/billing-queries";
import { billingMessages } from "../messages";
import { paymentStatusLabel, planName, providerName } from "./labels";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The page a provider sends the browser back to (`/billing?payment=<id>`). The return itself proves nothing (its URL
 * is unsigned): this asks the API, which grants credit only after the provider confirmed the payment, and shows
 * what it says, asking again while the payment is pending.
 */
export function PaymentReturn({ paymentId, onDismiss }: { paymentId: string; onDismiss(): void }) {
  const t = useMessages(billingMessages);
  return (
    <section className="card billing-return" aria-labelledby="payment-return-title">
      <h2 id="payment-return-title">{t("returnTitle")}</h2>
      {UUID.test(paymentId) ? (
        <PaymentOutcome paymentId={paymentId} />
      ) : (
        <p data-testid="payment-return" data-status="not-found">
          {t("returnNotFound")}
        </p>
      )}
      <button type="button" data-testid="payment-return-dismiss" onClick={onDismiss}>
        {t("returnDismiss")}
      </button>
    </section>
  );
}

function PaymentOutcome({ paymentId }: { paymentId: string }) {
  const t = useMessages(billingMessages);
  const { locale } = useLocale();
  const [since] = useState(() => Date.now());
  const payment = usePolledPayment(paymentId, since);
  const refresh = useRefreshBilling();
  const status = payment.data?.status;
  const refreshed = useRef(false);
  // Once the payment settles, the balance, plan and history change: reload them once.
  useEffect(() => {
    if (status && status !== "pending" && !refreshed.current) {
      refreshed.current = true;
      void refresh();
    }
  }, [status, refresh]);
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setSlow(true), PAYMENT_POLL_LIMIT_MS);
    return () => clearTimeout(timer);
  }, []);

  if (payment.isError) {
    const notFound = payment.error instanceof ApiError && payment.error.status === 404;
    return (
      <p role="alert" data-testid="payment-return" data-status={notFound ? "not-found" : "error"}>
        {notFound ? t("returnNotFound") : t("statusFailed")}
      </p>
    );
  }
  const data = payment.data;
  if (!data) return <Loading />;
  let text: string;
  if (data.status === "pending") {
    text = slow ? t("returnSlow") : t("returnPending", { provider: providerName(data.provider) });
  } else if (data.status === "succeeded") {
    text =
      data.purpose === "plan"
        ? t("returnSucceededPlan", { plan: planName(t, data.productId) })
        : t("returnSucceededPack", { credit: formatMoney(data.creditMicroUsd, locale) });
  } else if (data.status === "failed") {
    text = t("returnFailed");
  } else if (data.status === "cancelled") {
    text = t("returnCancelled");
  } else if (data.status === "disputed") {
    text = paymentStatusLabel(t, data.status);
  } else {
    text = t("returnRefunded");
  }
  return (
    <p
      role="status"
      aria-live="polite"
      className={data.status === "succeeded" ? "billing-success" : undefined}
      data-testid="payment-return"
      data-status={data.status}
    >
      {text}
    </p>
  );
}
