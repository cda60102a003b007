/**
 * The Stripe Price of each paid plan, for plan changes (https://docs.stripe.com/products-prices/manage-prices#lookup-keys):
 * found by its lookup key `omnizen_<plan>_monthly_usd_<cents>` (the amount is in the key, so a new catalog price gets
 * a new Price and the old one keeps billing whoever has it), created on first use with the plan in its metadata.
 * Subscription updates take a Price id, not `product_data` as Checkout does. The same Prices are the ones to offer in
 * the Customer Portal's plan switching: whichever way a subscription gets one, `planOfPrice` names its plan.
 */
import type Stripe from "stripe";
import { SOLD_PLAN_IDS, type PlanOffer, type SoldPlanId } from "../../../catalog/billing-catalog.ts";

const LOOKUP_KEY = /^omnizen_([a-z]+)_monthly_usd_\d+$/;

export function planLookupKey(plan: PlanOffer): string {
  return `omnizen_${plan.id}_monthly_usd_${plan.monthlyPriceUsdCents}`;
}

/** The paid plan a price stands for: its `metadata.plan`, else its lookup key; null for a price that names none. */
export function planOfPrice(
  price: Pick<Stripe.Price, "metadata" | "lookup_key"> | null | undefined,
): SoldPlanId | null {
  const named = price?.metadata.plan ?? LOOKUP_KEY.exec(price?.lookup_key ?? "")?.[1];
  return isPaidPlan(named) ? named : null;
}

export function isPaidPlan(plan: string | undefined): plan is Exclude<SoldPlanId, "free"> {
  return plan !== "free" && (SOLD_PLAN_IDS as readonly string[]).includes(plan ?? "");
}

/** The plan's recurring Price id, created once (the idempotency key covers two concurrent first uses). */
export async function ensurePlanPrice(stripe: Stripe, plan: PlanOffer): Promise<string> {
  const lookupKey = planLookupKey(plan);
  const [existing] = (await stripe.prices.list({ lookup_keys: [lookupKey], active: true, limit: 1 })).data;
  if (existing) return existing.id;
  const price = await stripe.prices.create(
    {
      currency: "usd",
      unit_amount: plan.monthlyPriceUsdCents,
      recurring: { interval: "month" },
      lookup_key: lookupKey,
      metadata: { plan: plan.id },
      product_data: { name: `omnizen ${plan.id} plan`, metadata: { product_id: plan.id } },
    },
    { idempotencyKey: `price-${lookupKey}` },
  );
  return price.id;
}
