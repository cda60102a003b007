import { useState } from "react";
import { ConfirmDialog } from "../../../components/ui/dialog";
import type { BillingStatus, Subscription } from "../../../lib/api-types";
import { formatMoney } from "../../../lib/format";
import { useLocale, useMessages } from "../../../lib/i18n";
import { usePortal, useSubscriptionChange } from "../api/billing-queries";
import type { PaymentProvider } from "../checkout-order";
import { billingMessages } from "../messages";
import { CheckoutButtons, CheckoutError } from "./checkout-buttons";
import { formatDate, planName, type BillingT } from "./labels";

/** What the period line says: renewal, end, paid-until, or the past-due and EPS renewal warnings. */
function periodText(t: BillingT, subscription: Subscription, date: (iso: string) => string): string {
  const end = subscription.currentPeriodEnd;
  if (subscription.status === "past_due" && subscription.graceUntil)
    return t("pastDue", { date: date(subscription.graceUntil) });
  if (!end) return t(`subscriptionStatus.${subscription.status}`);
  if (subscription.provider === "eps") {
    if (new Date(end).getTime() < Date.now()) return t("renewalLapsed", { date: date(end) });
    return subscription.renewalDue ? t("renewalDue", { date: date(end) }) : t("paidUntil", { date: date(end) });
  }
  return subscription.cancelAtPeriodEnd ? t("endsOn", { date: date(end) }) : t("renewsOn", { date: date(end) });
}

/** Balance, plan and period, with the actions the current subscription allows. */
export function SummaryCard({ status, providers }: { status: BillingStatus; providers: PaymentProvider[] }) {
  const t = useMessages(billingMessages);
  const { locale } = useLocale();
  const subscription = status.subscription;
  const date = (iso: string) => formatDate(iso, locale);
  return (
    <section className="card" aria-labelledby="billing-summary-title">
      <h2 id="billing-summary-title">{t("summaryTitle")}</h2>
      <dl className="billing-summary">
        <div>
          <dt>{t("balance")}</dt>
          <dd data-testid="billing-balance">{formatMoney(status.balanceMicroUsd, locale)}</dd>
        </div>
        <div>
          <dt>{t("plan")}</dt>
          <dd data-testid="billing-plan">{planName(t, status.plan)}</dd>
        </div>
        <div>
          <dt>{t("period")}</dt>
          <dd data-testid="billing-period">{subscription ? periodText(t, subscription, date) : t("noSubscription")}</dd>
        </div>
      </dl>
      {status.lowBalance ? (
        <p className="warning" data-testid="billing-low-balance">
          {t("lowBalance")}
        </p>
      ) : null}
      {subscription?.provider === "stripe" ? <StripeActions subscription={subscription} /> : null}
      {subscription?.provider === "eps" && subscription.renewalDue ? (
        <CheckoutButtons
          request={{ kind: "plan", productId: subscription.plan }}
          providers={providers.filter((provider) => provider === "eps")}
          labels={{ stripe: t("renewPlan"), eps: t("renewPlan") }}
          testIds={{ stripe: "subscription-renew", eps: "subscription-renew" }}
        />
      ) : null}
    </section>
  );
}

/** Cancel at the period's end (asked first), resume a cancellation, or open Stripe's portal. */
function StripeActions({ subscription }: { subscription: Subscription }) {
  const t = useMessages(billingMessages);
  const { locale } = useLocale();
  const change = useSubscriptionChange();
  const portal = usePortal();
  const [confirming, setConfirming] = useState(false);
  const end = subscription.currentPeriodEnd ? formatDate(subscription.currentPeriodEnd, locale) : "";
  return (
    <>
      <div className="actions">
        {subscription.cancelAtPeriodEnd ? (
          <button
            type="button"
            className="button-primary"
            data-testid="subscription-resume"
            disabled={change.isPending}
            onClick={() => change.mutate("resume")}
          >
            {t("resumePlan")}
          </button>
        ) : (
          <button
            type="button"
            data-testid="subscription-cancel"
            onClick={() => {
              change.reset();
              setConfirming(true);
            }}
          >
            {t("cancelPlan")}
          </button>
        )}
        <button
          type="button"
          data-testid="subscription-manage"
          disabled={portal.isPending}
          onClick={() => portal.mutate()}
        >
          {t("managePlan")}
        </button>
      </div>
      {change.isError && !confirming ? <CheckoutError error={change.error} provider="stripe" t={t} /> : null}
      {portal.isError ? <CheckoutError error={portal.error} provider="stripe" t={t} /> : null}
      <ConfirmDialog
        open={confirming}
        title={t("cancelTitle", { plan: planName(t, subscription.plan) })}
        confirmLabel={t("cancelConfirm")}
        danger
        busy={change.isPending}
        error={change.isError ? `${t("changeFailed")} ${change.error.message}` : null}
        onClose={() => setConfirming(false)}
        onConfirm={() => change.mutate("cancel", { onSuccess: () => setConfirming(false) })}
      >
        <p>{t("cancelBody", { date: end })}</p>
      </ConfirmDialog>
    </>
  );
}
