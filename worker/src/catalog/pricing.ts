/**
 * What a request costs: the catalog price in force when the request started (scheduled changes, then the
 * time-of-day band), then the long-context band chosen by the prompt size the provider reported, then normalised
 * usage x rates, rounded up once. Rules and sources: docs/forwarded-fields.md ("Pricing bands").
 */
import type { RequestCost } from "../lib/cost.ts";
import type { NormalizedUsage } from "../lib/usage.ts";
import type { ModelEntry, PeakSchedule, Price, TokenRates } from "./types.ts";

const MINUTES_PER_DAY = 24 * 60;

/** True when `at` falls in a peak window of `schedule` (local weekday, not a listed local holiday). */
export function isPeak(schedule: PeakSchedule, at: Date): boolean {
  const local = new Date(at.getTime() + schedule.offsetMinutes * 60_000);
  const isoWeekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  if (!schedule.weekdays.includes(isoWeekday)) return false;
  if (schedule.holidays.includes(local.toISOString().slice(0, 10))) return false;
  const minute = (local.getUTCHours() * 60 + local.getUTCMinutes()) % MINUTES_PER_DAY;
  return schedule.windows.some(([start, end]) => minute >= start && minute < end);
}

/**
 * The price in force at `at` (the request's start): the latest scheduled change already effective, else the base
 * price; outside a time-of-day band's peak windows its off-peak rates replace the top-level ones and the version
 * gets `+off-peak`, so the usage row says which band it was billed at.
 */
export function priceAt(model: ModelEntry, at: Date): Price {
  let current = model.price;
  for (const change of model.priceChanges ?? []) {
    if (Date.parse(`${change.effectiveFrom}T00:00:00Z`) <= at.getTime()) current = change.price;
  }
  const band = current.timeOfDay;
  if (!band || isPeak(band.peak, at)) return current;
  const { timeOfDay: _applied, cacheWrite: _write, cacheWrite1h: _write1h, ...rest } = current;
  return { ...rest, ...band.offPeakRates, version: `${current.version}+off-peak` };
}

/** Every prompt token the provider counted: uncached, read from cache and written to cache. */
export const promptTokensOf = (usage: NormalizedUsage): number =>
  usage.inputUncached + usage.cacheRead + usage.cacheWrite;

/** The rates for a request whose prompt has `promptTokens` tokens: the long-context band's above its threshold. */
export function ratesFor(price: Price, promptTokens: number): TokenRates {
  const band = price.longContext;
  return band && promptTokens > band.aboveInputTokens ? band.rates : price;
}

/**
 * Cost in integer micro-USD: normalised usage x the rates of its band, rounded up once to the next micro-USD so
 * that the sum of charges never undercuts the providers' bills. Reasoning tokens are inside `output` and not charged
 * twice; 1-hour cache writes (`cacheWrite1h`, part of `cacheWrite`) are charged at the 1-hour rate.
 */
export function computeCostMicroUsd(usage: NormalizedUsage, price: Price): number {
  return computeCost(usage, price).microUsd;
}

/** The cost with its parts by kind of token (lib/cost.ts); `microUsd` is `computeCostMicroUsd`. */
export function computeCost(usage: NormalizedUsage, price: Price): RequestCost {
  const rates = ratesFor(price, promptTokensOf(usage));
  const write5m = rates.cacheWrite ?? rates.input;
  const write1h = rates.cacheWrite1h ?? write5m;
  const oneHour = Math.min(usage.cacheWrite, usage.cacheWrite1h ?? 0);
  // Rates are micro-USD per 1M tokens, so each product is in pico-USD: integers, summed exactly.
  const input = usage.inputUncached * rates.input;
  const cacheRead = usage.cacheRead * rates.cachedInput;
  const cacheWrite = (usage.cacheWrite - oneHour) * write5m + oneHour * write1h;
  const output = usage.output * rates.output;
  const reasoning = Math.min(usage.reasoning, usage.output) * rates.output;
  const picoUsd = input + cacheRead + cacheWrite + output;
  const usd = (pico: number) => pico / 1e12;
  return {
    microUsd: Math.ceil(picoUsd / 1_000_000),
    parts: {
      input: usd(input),
      cacheRead: usd(cacheRead),
      cacheWrite: usd(cacheWrite),
      output: usd(output),
      reasoning: usd(reasoning),
    },
  };
}
