/** Translated names the Billing components share: plans, providers, payment purposes and statuses. */
import type { Payment } from "../../../lib/api-types";
import { INTL_LOCALE, type Locale, type useMessages } from "../../../lib/i18n";
import type { billingMessages } from "../messages";

export type BillingT = ReturnType<typeof useMessages<keyof (typeof billingMessages)["en"]>>;

const PLAN_NAMES = new Set(["free", "pro", "team", "internal"]);

export function planName(t: BillingT, plan: string): string {
  return PLAN_NAMES.has(plan) ? t(`plan.${plan as "free" | "pro" | "team" | "internal"}`) : plan;
}

/** Brand names, the same in every language. */
export function providerName(provider: "stripe" | "eps"): string {
  return provider === "stripe" ? "Stripe" : "EPS";
}

export function purposeLabel(t: BillingT, payment: Pick<Payment, "purpose" | "productId">): string {
  if (payment.purpose === "plan") return t("purpose.plan", { plan: planName(t, payment.productId) });
  return t(`purpose.${payment.purpose}`);
}

export function paymentStatusLabel(t: BillingT, status: Payment["status"]): string {
  return t(`status.${status}`);
}

/** A calendar date in the viewer's time zone: "December 6, 2026" / "৬ ডিসেম্বর, ২০২৬". */
export function formatDate(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: "long" }).format(date);
}
