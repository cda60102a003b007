import { useState } from "react";
import { ConfirmDialog } from "../../../components/ui/dialog";
import type { PlanOffer, Subscription, SubscriptionChangeResponse } from "../../../lib/api-types";
import { useLocale, useMessages } from "../../../lib/i18n";
import { usePlanChange } from "../api/billing-queries";
import { billingMessages } from "../messages";
import { formatPrice } from "../price";
import { formatDate, planName } from "./labels";

interface PlanChangeButtonProps {
  /** The plan to switch to (pro or team). */
  target: PlanOffer;
  /** The plan the Stripe subscription is on now. */
  current: PlanOffer | undefined;
  subscription: Subscription;
  describedBy: string;
  /** Called with the gateway's answer (the new plan and what was charged now) once the change is made. */
  onChanged: (response: SubscriptionChangeResponse) => void;
}

/**
 * Switches a Stripe subscription to another paid plan (`POST /api/billing/subscription/change`) after a confirm step
 * that says what is charged now: for an upgrade, at most the price difference for the rest of the period (Stripe
 * prorates to the second, so the exact amount is shown after the change); for a downgrade, nothing.
 */
export function PlanChangeButton({ target, current, subscription, describedBy, onChanged }: PlanChangeButtonProps) {
  const t = useMessages(billingMessages);
  const { locale } = useLocale();
  const change = usePlanChange();
  const [confirming, setConfirming] = useState(false);
  const plan = target.id;
  if (plan === "free") return null;
  const difference = target.monthlyPriceUsdCents - (current?.monthlyPriceUsdCents ?? 0);
  const values = {
    plan: planName(t, target.id),
    amount: formatPrice(Math.max(difference, 0), "usd", locale),
    price: formatPrice(target.monthlyPriceUsdCents, "usd", locale),
    date: subscription.currentPeriodEnd ? formatDate(subscription.currentPeriodEnd, locale) : "",
  };
  return (
    <>
      <button
        type="button"
        data-testid="plan-change"
        aria-describedby={describedBy}
        onClick={() => {
          change.reset();
          setConfirming(true);
        }}
      >
        {t("changeStripe")}
      </button>
      <ConfirmDialog
        open={confirming}
        title={t("planChangeTitle", { plan: values.plan })}
        confirmLabel={t("planChangeConfirm")}
        busy={change.isPending}
        error={change.isError ? `${t("changeFailed")} ${change.error.message}` : null}
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          change.mutate(
            { plan },
            {
              onSuccess: (response) => {
                setConfirming(false);
                onChanged(response);
              },
            },
          )
        }
      >
        <p data-testid="plan-change-terms">
          {difference > 0 ? t("planChangeUpgrade", values) : t("planChangeDowngrade", values)}
        </p>
      </ConfirmDialog>
    </>
  );
}
