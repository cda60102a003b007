/**
 * Which payment method the Billing page offers first: EPS (taka: bKash, Nagad, local cards) for an account in
 * Bangladesh, judged by the UI language being Bangla or the account's phone number being +880; Stripe (cards, US
 * dollars) otherwise. Both stay offered; only the order changes. Unconfigured providers are left out.
 */
import type { Locale } from "../../lib/i18n";

export type PaymentProvider = "stripe" | "eps";

export function isInBangladesh(locale: Locale, phone: string | null | undefined): boolean {
  return locale === "bn" || (phone ?? "").replace(/[\s-]/g, "").startsWith("+880");
}

export function orderedProviders(
  locale: Locale,
  phone: string | null | undefined,
  configured: { stripe: boolean; eps: boolean } = { stripe: true, eps: true },
): PaymentProvider[] {
  const order: PaymentProvider[] = isInBangladesh(locale, phone) ? ["eps", "stripe"] : ["stripe", "eps"];
  return order.filter((provider) => configured[provider]);
}
