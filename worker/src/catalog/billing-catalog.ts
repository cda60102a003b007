/**
 * What omnizen sells (issue 12): plans, billed monthly, and one-time credit packs. Prices are set in each currency
 * (US cents and BDT paisa), never converted at request time; credit is granted in micro-USD. Served by
 * `GET /api/billing/catalog` and read by the checkout routes. The plans' fair-use limits live in catalog/plans.ts.
 */
import { PLANS, type PlanId, type PlanLimits } from "./plans.ts";

/** The plans a customer can hold (`internal` is never sold). */
export const SOLD_PLAN_IDS = ["free", "pro", "team"] as const;
export type SoldPlanId = (typeof SOLD_PLAN_IDS)[number];

export interface PlanOffer {
  id: SoldPlanId;
  /** Monthly price in US cents (Stripe). */
  monthlyPriceUsdCents: number;
  /** Price of one month in BDT paisa (EPS: a paid period, renewed by a new payment). */
  monthlyPriceBdtPaisa: number;
  /** Credit granted with each paid month, in micro-USD. */
  monthlyCreditMicroUsd: number;
  limits: PlanLimits;
}

export interface CreditPack {
  id: string;
  priceUsdCents: number;
  priceBdtPaisa: number;
  /** Credit granted once the payment succeeds, in micro-USD. */
  creditMicroUsd: number;
}

const plan = (
  id: SoldPlanId,
  monthlyPriceUsdCents: number,
  monthlyPriceBdtPaisa: number,
  monthlyCreditMicroUsd: number,
): PlanOffer => ({
  id,
  monthlyPriceUsdCents,
  monthlyPriceBdtPaisa,
  monthlyCreditMicroUsd,
  limits: PLANS[id satisfies PlanId],
});

export const PLAN_OFFERS: readonly PlanOffer[] = [
  plan("free", 0, 0, 0),
  plan("pro", 20_00, 2_400_00, 20_000_000),
  plan("team", 100_00, 12_000_00, 100_000_000),
];

export const CREDIT_PACKS: readonly CreditPack[] = [
  { id: "pack-5", priceUsdCents: 5_00, priceBdtPaisa: 600_00, creditMicroUsd: 5_000_000 },
  { id: "pack-10", priceUsdCents: 10_00, priceBdtPaisa: 1_200_00, creditMicroUsd: 10_000_000 },
  { id: "pack-25", priceUsdCents: 25_00, priceBdtPaisa: 3_000_00, creditMicroUsd: 25_000_000 },
  { id: "pack-50", priceUsdCents: 50_00, priceBdtPaisa: 6_000_00, creditMicroUsd: 51_000_000 },
  { id: "pack-100", priceUsdCents: 100_00, priceBdtPaisa: 12_000_00, creditMicroUsd: 103_000_000 },
];

/** Auto top-up: the amounts a user may pick (bought at the pack's USD price) and the lowest threshold. */
export const AUTO_TOPUP = {
  packIds: ["pack-10", "pack-25", "pack-50", "pack-100"] as const,
  minThresholdMicroUsd: 1_000_000,
  maxThresholdMicroUsd: 100_000_000,
  /** Declines in a row that turn auto top-up off. */
  maxDeclines: 3,
} as const;

/** Below this balance the shell warns (and the Billing page suggests a pack). */
export const LOW_BALANCE_MICRO_USD = 1_000_000;

/** EPS plan periods: days a paid month lasts, reminder before its end, grace after it. */
export const EPS_PERIOD = { days: 30, reminderDays: 5, graceDays: 3 } as const;

/** Stripe's past-due grace: how long a plan holds after a failed renewal before the account falls back to free. */
export const STRIPE_PAST_DUE_GRACE_DAYS = 7;

export function findPlanOffer(id: string): PlanOffer | undefined {
  return PLAN_OFFERS.find((offer) => offer.id === id);
}

export function findCreditPack(id: string): CreditPack | undefined {
  return CREDIT_PACKS.find((pack) => pack.id === id);
}
