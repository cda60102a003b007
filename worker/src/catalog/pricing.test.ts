import { describe, expect, it } from "vitest";
import type { NormalizedUsage } from "../lib/usage.ts";
import { findModel, MODELS } from "./models.ts";
import { computeCost, computeCostMicroUsd, isPeak, priceAt } from "./pricing.ts";

const price = { input: 300_000, cachedInput: 6_000, output: 1_200_000, version: "t", source: "t" };

const usage = (fields: Partial<NormalizedUsage>): NormalizedUsage => ({
  inputUncached: 0,
  cacheRead: 0,
  cacheWrite: 0,
  output: 0,
  reasoning: 0,
  source: "provider",
  ...fields,
});

const model = (id: string) => {
  const entry = findModel(id);
  if (!entry) throw new Error(`no ${id}`);
  return entry;
};

describe("computeCostMicroUsd", () => {
  it("multiplies each token class by its price per 1M tokens, rounding up to a whole micro-USD", () => {
    // 1000 * 0.30 + 500 * 0.006 + 200 * 1.20 USD per 1M = 543 micro-USD exactly
    expect(computeCostMicroUsd(usage({ inputUncached: 1000, cacheRead: 500, output: 200, reasoning: 50 }), price)).toBe(
      543,
    );
    expect(computeCostMicroUsd(usage({ inputUncached: 1 }), price)).toBe(1);
    expect(computeCostMicroUsd(usage({}), price)).toBe(0);
  });

  it("charges cache writes at the write price, or the input price when the provider has none", () => {
    const writes = usage({ cacheWrite: 1_000_000 });
    expect(computeCostMicroUsd(writes, price)).toBe(300_000);
    expect(computeCostMicroUsd(writes, { ...price, cacheWrite: 375_000 })).toBe(375_000);
  });

  it("charges 1-hour cache writes at the 1-hour rate (Anthropic: 2x input) and the rest at the 5-minute rate", () => {
    const sonnet = priceAt(model("anthropic/claude-sonnet-5-5"), new Date("2026-12-05T12:00:00Z"));
    // 600k 5-minute writes at 2.50 + 400k 1-hour writes at 4.00 USD/M
    expect(computeCostMicroUsd(usage({ cacheWrite: 1_000_000, cacheWrite1h: 400_000 }), sonnet)).toBe(
      1_500_000 + 1_600_000,
    );
    expect(computeCostMicroUsd(usage({ cacheWrite: 1_000_000 }), sonnet)).toBe(2_500_000);
  });

  it("charges every token of a request above a long-context threshold at the band's rates, rounded once", () => {
    const haiku = priceAt(model("anthropic/claude-haiku-5-5"), new Date("2026-12-05T12:00:00Z"));
    // 100,000 prompt tokens: still the <= 100k band (0.10 / 0.01 / 0.50)
    expect(computeCostMicroUsd(usage({ inputUncached: 90_000, cacheRead: 10_000, output: 1000 }), haiku)).toBe(
      9_000 + 100 + 500,
    );
    // 100,001 (cache reads and writes count toward the threshold): 0.50 / 0.05 / 0.625 / 2.50 for all of it
    expect(
      computeCostMicroUsd(usage({ inputUncached: 90_000, cacheRead: 10_000, cacheWrite: 1, output: 1000 }), haiku),
    ).toBe(Math.ceil((90_000 * 500_000 + 10_000 * 50_000 + 1 * 625_000 + 1000 * 2_500_000) / 1_000_000));
    const gemini = priceAt(model("gemini/gemini-3.1-pro-preview"), new Date("2026-12-05T12:00:00Z"));
    expect(computeCostMicroUsd(usage({ inputUncached: 200_001, output: 10 }), gemini)).toBe(
      Math.ceil(200_001 * 4 + 10 * 18),
    );
    expect(computeCostMicroUsd(usage({ inputUncached: 200_000, output: 10 }), gemini)).toBe(200_000 * 2 + 10 * 12);
  });
});

describe("DeepSeek time-of-day band", () => {
  const flash = model("deepseek/deepseek-flash");
  const schedule = flash.price.timeOfDay!.peak;

  it.each([
    ["2026-12-07T00:59:59Z", false], // Monday 08:59 Beijing
    ["2026-12-07T01:00:00Z", true], // Monday 09:00 Beijing
    ["2026-12-07T03:59:59Z", true],
    ["2026-12-07T04:00:00Z", false], // lunch gap
    ["2026-12-07T06:00:00Z", true],
    ["2026-12-07T09:59:59Z", true],
    ["2026-12-07T10:00:00Z", false], // 18:00 Beijing
    ["2026-12-07T16:30:00Z", false],
    ["2026-12-05T02:00:00Z", false], // Saturday
    ["2026-12-06T07:00:00Z", false], // Sunday
    ["2026-10-05T02:00:00Z", false], // National Day holiday (a Monday)
    ["2026-12-04T02:00:00Z", true], // Friday
  ])("%s peak=%s", (at, peak) => {
    expect(isPeak(schedule, new Date(at))).toBe(peak);
  });

  it("bills a request started off-peak at half the peak rates, and says so in the version", () => {
    const peak = priceAt(flash, new Date("2026-12-07T02:00:00Z"));
    const offPeak = priceAt(flash, new Date("2026-12-07T12:00:00Z"));
    expect(peak).toMatchObject({ input: 300_000, cachedInput: 6_000, output: 1_200_000 });
    expect(peak.version).not.toContain("off-peak");
    expect(offPeak).toMatchObject({
      input: 150_000,
      cachedInput: 3_000,
      output: 600_000,
      version: `${peak.version}+off-peak`,
    });
    const work = usage({ inputUncached: 1000, cacheRead: 1000, output: 1000 });
    expect(computeCostMicroUsd(work, offPeak)).toBe(
      Math.ceil((1000 * 150_000 + 1000 * 3_000 + 1000 * 600_000) / 1_000_000),
    );
    expect(computeCostMicroUsd(work, peak)).toBe(1000 * 0.3 + 1000 * 0.006 + 1000 * 1.2);
  });
});

describe("the catalog", () => {
  it("every entry has a provider/model id, integer prices and a source", () => {
    for (const entry of MODELS) {
      expect(entry.id).toMatch(/^[a-z]+\/[\w.-]+$/);
      const bands = [entry.price, entry.price.longContext?.rates, entry.price.timeOfDay?.offPeakRates].filter(
        (band) => band !== undefined,
      );
      for (const band of bands) {
        for (const value of [band.input, band.cachedInput, band.output, band.cacheWrite ?? 0, band.cacheWrite1h ?? 0]) {
          expect(Number.isInteger(value)).toBe(true);
        }
      }
      expect(entry.price.source.length).toBeGreaterThan(0);
      // A long-context band has no off-peak rates of its own: the two are never combined.
      expect(entry.price.longContext !== undefined && entry.price.timeOfDay !== undefined).toBe(false);
    }
  });

  it("every Anthropic model prices 1-hour cache writes at 2x input and 5-minute writes at 1.25x", () => {
    for (const entry of MODELS.filter((candidate) => candidate.routes[0].provider === "anthropic")) {
      for (const band of [entry.price, entry.price.longContext?.rates].filter((rates) => rates !== undefined)) {
        expect(band.cacheWrite1h).toBe(band.input * 2);
        expect(band.cacheWrite).toBe(band.input * 1.25);
      }
    }
  });
});

describe("computeCost parts", () => {
  it("splits the cost by kind of token, the parts summing to the total before its one rounding-up", () => {
    const price = {
      input: 270_000,
      cachedInput: 70_000,
      cacheWrite: 340_000,
      output: 1_100_000,
      version: "t",
      source: "t",
      checkedAt: "2026-12-06",
    } as unknown as Parameters<typeof computeCost>[1];
    const usage = {
      inputUncached: 1234,
      cacheRead: 50_000,
      cacheWrite: 321,
      output: 777,
      reasoning: 500,
      source: "provider",
    } as const;
    const cost = computeCost(usage, price);
    expect(cost.parts.input).toBeCloseTo((1234 * 0.27) / 1e6, 15);
    expect(cost.parts.cacheRead).toBeCloseTo((50_000 * 0.07) / 1e6, 15);
    expect(cost.parts.cacheWrite).toBeCloseTo((321 * 0.34) / 1e6, 15);
    expect(cost.parts.output).toBeCloseTo((777 * 1.1) / 1e6, 15);
    expect(cost.parts.reasoning).toBeCloseTo((500 * 1.1) / 1e6, 15);
    const sum = cost.parts.input + cost.parts.cacheRead + cost.parts.cacheWrite + cost.parts.output;
    expect(cost.microUsd).toBe(Math.ceil(sum * 1e6 - 1e-9));
    expect(cost.microUsd).toBe(computeCostMicroUsd(usage, price));
  });
});
