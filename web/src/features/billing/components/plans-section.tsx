import { useState } from "react";
import { formatMoney, formatNumber } from "../../../lib/format";
import type { BillingCatalog, BillingStatus, SubscriptionChangeResponse } from "../../../lib/api-types";
import { useLocale, useMessages } from "../../../lib/i18n";
import type { PaymentProvider } from "../checkout-order";
import { billingMessages } from "../messages";
import { formatPrice } from "../price";
import { CheckoutButtons } from "./checkout-buttons";
import { planName } from "./labels";
import { PlanChangeButton } from "./plan-change-button";

interface PlansSectionProps {
  catalog: BillingCatalog;
  status: BillingStatus;
  providers: PaymentProvider[];
}

/**
 * The plans with their monthly prices in both currencies, credit and limits. A paid plan is bought by card (a Stripe
 * subscription) or a month at a time in taka (EPS); with a Stripe subscription, switching is a plan change that
 * Stripe prorates (plan-change-button.tsx).
 */
export function PlansSection({ catalog, status, providers }: PlansSectionProps) {
  const t = useMessages(billingMessages);
  const { locale } = useLocale();
  // Kept here: once the status refreshes, the new plan's card shows "current plan" instead of the button.
  const [changed, setChanged] = useState<SubscriptionChangeResponse | null>(null);
  const stripeSubscription = status.subscription?.provider === "stripe" ? status.subscription : null;
  return (
    <section className="card" aria-labelledby="plans-title">
      <h2 id="plans-title">{t("plansTitle")}</h2>
      <p className="muted">{t("plansExplain")}</p>
      {changed ? (
        <p role="status" data-testid="plan-change-done">
          {t("planChangeDone", {
            plan: planName(t, changed.subscription.plan),
            amount: formatPrice(changed.chargedNowMinor, "usd", locale),
          })}
        </p>
      ) : null}
      <ul className="billing-offers">
        {catalog.plans.map((plan) => {
          const current = plan.id === status.plan;
          const nameId = `plan-name-${plan.id}`;
          return (
            <li key={plan.id} className="billing-offer" data-testid="plan-card" data-plan-id={plan.id}>
              <h3 id={nameId}>{planName(t, plan.id)}</h3>
              <p className="billing-price">
                <span data-testid="plan-price-usd">
                  {t("perMonth", { price: formatPrice(plan.monthlyPriceUsdCents, "usd", locale) })}
                </span>
                <span data-testid="plan-price-bdt">
                  {t("perMonth", { price: formatPrice(plan.monthlyPriceBdtPaisa, "bdt", locale) })}
                </span>
              </p>
              <p>
                {plan.monthlyCreditMicroUsd > 0
                  ? t("monthlyCredit", { credit: formatMoney(plan.monthlyCreditMicroUsd, locale) })
                  : t("noMonthlyCredit")}
              </p>
              <p className="muted">
                {t("limits", {
                  rpm: formatNumber(plan.limits.requestsPerMinute, locale),
                  tpm: formatNumber(plan.limits.tokensPerMinute, locale),
                  concurrent: formatNumber(plan.limits.concurrentRequests, locale),
                })}
              </p>
              {current ? (
                <p className="billing-current" data-testid="plan-current">
                  {t("currentPlan")}
                </p>
              ) : plan.id === "free" ? null : stripeSubscription ? (
                <PlanChangeButton
                  target={plan}
                  current={catalog.plans.find((offer) => offer.id === stripeSubscription.plan)}
                  subscription={stripeSubscription}
                  describedBy={nameId}
                  onChanged={setChanged}
                />
              ) : (
                <CheckoutButtons
                  request={{ kind: "plan", productId: plan.id }}
                  providers={providers}
                  labels={{ stripe: t("subscribeStripe"), eps: t("subscribeEps") }}
                  testIds={{ stripe: "plan-subscribe-stripe", eps: "plan-subscribe-eps" }}
                  describedBy={nameId}
                />
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
