import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PROVIDER_IDS, type ProviderId } from "../../providers/provider-ids.ts";
import { applyProviderPreferences, type RankingInputs } from "./apply-provider-preferences.ts";
import type { ProviderPreferences } from "./routing-preferences.ts";

interface Candidate {
  name: string;
  provider: ProviderId;
  cost: number;
  latency?: number | undefined;
}

const inputs: RankingInputs<Candidate> = {
  providerOf: (candidate) => candidate.provider,
  costOf: (candidate) => candidate.cost,
  latencyOf: (candidate) => candidate.latency,
};

const candidates: Candidate[] = [
  { name: "deepseek-1", provider: "deepseek", cost: 30, latency: 900 },
  { name: "qwen-sg", provider: "qwen", cost: 50 },
  { name: "qwen-us", provider: "qwen", cost: 50, latency: 200 },
  { name: "openai-1", provider: "openai", cost: 10, latency: 400 },
];

const names = (preferences: Partial<ProviderPreferences>) =>
  applyProviderPreferences(candidates, { allowFallbacks: true, ...preferences }, inputs).map(
    (candidate) => candidate.name,
  );

describe("applyProviderPreferences", () => {
  it("keeps the list order without preferences", () => {
    expect(names({})).toEqual(["deepseek-1", "qwen-sg", "qwen-us", "openai-1"]);
  });

  it("only keeps and ignore drops providers", () => {
    expect(names({ only: ["qwen", "openai"] })).toEqual(["qwen-sg", "qwen-us", "openai-1"]);
    expect(names({ ignore: ["qwen"] })).toEqual(["deepseek-1", "openai-1"]);
    expect(names({ only: ["qwen"], ignore: ["qwen"] })).toEqual([]);
  });

  it("order puts the listed providers first, in the listed order, and keeps the rest after them", () => {
    expect(names({ order: ["openai", "qwen"] })).toEqual(["openai-1", "qwen-sg", "qwen-us", "deepseek-1"]);
  });

  it("allow_fallbacks false keeps only the ordered providers, or the first candidate's provider", () => {
    expect(names({ order: ["openai", "qwen"], allowFallbacks: false })).toEqual(["openai-1", "qwen-sg", "qwen-us"]);
    expect(names({ allowFallbacks: false })).toEqual(["deepseek-1"]);
    expect(names({ ignore: ["deepseek"], allowFallbacks: false })).toEqual(["qwen-sg", "qwen-us"]);
  });

  it("sort price puts the cheapest first, ties in list order", () => {
    expect(names({ sort: "price" })).toEqual(["openai-1", "deepseek-1", "qwen-sg", "qwen-us"]);
  });

  it("sort latency puts the fastest measured first and unmeasured ones after, in list order", () => {
    expect(names({ sort: "latency" })).toEqual(["qwen-us", "openai-1", "deepseek-1", "qwen-sg"]);
  });

  it("order wins over sort for the listed providers; the rest stay sorted", () => {
    expect(names({ sort: "price", order: ["qwen"] })).toEqual(["qwen-sg", "qwen-us", "openai-1", "deepseek-1"]);
  });

  it("never adds a route, never keeps an ignored or unlisted one, and keeps the list order among equals", () => {
    const provider = fc.constantFrom(...PROVIDER_IDS);
    const providerSet = fc.uniqueArray(provider, { maxLength: 4 });
    const candidateList = fc.array(
      fc.record({
        name: fc.string(),
        provider,
        cost: fc.nat({ max: 5 }),
        latency: fc.option(fc.nat({ max: 5 }), { nil: undefined }),
      }),
      { maxLength: 12 },
    );
    const preferences = fc.record(
      {
        order: providerSet,
        only: providerSet,
        ignore: providerSet,
        sort: fc.constantFrom("price" as const, "latency" as const),
        allowFallbacks: fc.boolean(),
      },
      { requiredKeys: ["allowFallbacks"] },
    );
    fc.assert(
      fc.property(candidateList, preferences, (list: Candidate[], chosen) => {
        const ranked = applyProviderPreferences(list, chosen, inputs);
        for (const candidate of ranked) {
          expect(list).toContain(candidate);
          if (chosen.only) expect(chosen.only).toContain(candidate.provider);
          expect(chosen.ignore ?? []).not.toContain(candidate.provider);
          if (!chosen.allowFallbacks && chosen.order?.length) expect(chosen.order).toContain(candidate.provider);
        }
        expect(new Set(ranked).size).toBe(ranked.length);
        if (!chosen.sort && !chosen.order?.length) {
          const positions = ranked.map((candidate) => list.indexOf(candidate));
          expect(positions).toEqual([...positions].sort((left, right) => left - right));
        }
        if (chosen.allowFallbacks) {
          const expected = list.filter(
            (candidate) =>
              (!chosen.only || chosen.only.includes(candidate.provider)) &&
              !(chosen.ignore ?? []).includes(candidate.provider),
          );
          expect(ranked).toHaveLength(expected.length);
        }
      }),
    );
  });
});
