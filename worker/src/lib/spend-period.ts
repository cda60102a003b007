/**
 * Per-key spend limits (issue 12): calendar periods in UTC. A period is named by its bucket (the Redis spend counter
 * `omz:spend:<key id>:<bucket>` of the admission script), and a limit's message says when it resets.
 *
 * | period  | bucket          | starts                 | counter TTL |
 * |---------|-----------------|------------------------|-------------|
 * | daily   | `d2026-12-06`   | 00:00 UTC each day     | 2 days      |
 * | weekly  | `w2026-11-30`   | Monday 00:00 UTC       | 8 days      |
 * | monthly | `m2026-12`      | the 1st, 00:00 UTC     | 32 days     |
 * | none    | `all`           | never resets           | 90 days, renewed by each request; rebuilt from Postgres |
 */
export const SPEND_PERIODS = ["daily", "weekly", "monthly", "none"] as const;
export type SpendPeriod = (typeof SPEND_PERIODS)[number];

const DAY_MS = 86_400_000;

/** How long a period's spend counter lives in Redis after its last change (longer than the period). */
export const SPEND_COUNTER_TTL_MS: Record<SpendPeriod, number> = {
  daily: 2 * DAY_MS,
  weekly: 8 * DAY_MS,
  monthly: 32 * DAY_MS,
  none: 90 * DAY_MS,
};

/** The one-letter code the key record carries (admission script). */
export const SPEND_PERIOD_CODE: Record<SpendPeriod, string> = { daily: "d", weekly: "w", monthly: "m", none: "n" };

export function isSpendPeriod(value: unknown): value is SpendPeriod {
  return typeof value === "string" && (SPEND_PERIODS as readonly string[]).includes(value);
}

/** Start of the calendar period containing `nowMs` (UTC); null for `none`. */
export function periodStart(period: SpendPeriod, nowMs: number): Date | null {
  const now = new Date(nowMs);
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  switch (period) {
    case "daily":
      return new Date(day);
    case "weekly":
      // getUTCDay: Sunday 0 ... Saturday 6; weeks start on Monday (ISO 8601, as Postgres's date_trunc('week')).
      return new Date(day - ((now.getUTCDay() + 6) % 7) * DAY_MS);
    case "monthly":
      return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    case "none":
      return null;
  }
}

/** Start of the next period (when a reached limit resets); null for `none`. */
export function periodEnd(period: SpendPeriod, nowMs: number): Date | null {
  const start = periodStart(period, nowMs);
  if (!start) return null;
  if (period === "daily") return new Date(start.getTime() + DAY_MS);
  if (period === "weekly") return new Date(start.getTime() + 7 * DAY_MS);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** The bucket of the period containing `nowMs`. */
export function spendBucket(period: SpendPeriod, nowMs: number): string {
  const start = periodStart(period, nowMs);
  if (!start) return "all";
  const date = start.toISOString().slice(0, 10);
  if (period === "daily") return `d${date}`;
  if (period === "weekly") return `w${date}`;
  return `m${date.slice(0, 7)}`;
}

const PERIOD_WORDS: Record<SpendPeriod, string> = {
  daily: "per day",
  weekly: "per week",
  monthly: "per month",
  none: "in all",
};

/** A limit for a message: "5.00 USD per day" (micro-USD shown to the cent, or to the micro-dollar below a cent). */
export function describeSpendLimit(amountMicroUsd: number, period: SpendPeriod): string {
  const usd = amountMicroUsd / 1_000_000;
  const shown = amountMicroUsd % 10_000 === 0 ? usd.toFixed(2) : usd.toFixed(6).replace(/0+$/, "");
  return `${shown} USD ${PERIOD_WORDS[period]}`;
}

/** The period of a key record's one-letter code (SPEND_PERIOD_CODE), or null. */
export function spendPeriodOfCode(code: string): SpendPeriod | null {
  return SPEND_PERIODS.find((period) => SPEND_PERIOD_CODE[period] === code) ?? null;
}
