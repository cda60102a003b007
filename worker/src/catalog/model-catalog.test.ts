import { describe, expect, it } from "vitest";
import { modelCatalogSchema } from "../contracts/dashboard-api.ts";
import { modelCatalog } from "./model-catalog.ts";
import { MODELS } from "./models.ts";
import { JURISDICTIONS } from "./types.ts";
import { jurisdictionSchema } from "../contracts/dashboard-api.ts";

describe("model catalog for the dashboard", () => {
  it("lists every model in the contract's shape, with prices in micro-USD per 1M tokens", () => {
    const catalog = modelCatalogSchema.parse(modelCatalog(MODELS, 122, new Date("2026-12-06T00:00:00Z")));
    expect(catalog.bdtPerUsd).toBe(122);
    expect(catalog.data.map((model) => model.id)).toEqual(MODELS.map((model) => model.id));
    expect(catalog.data.find((model) => model.id === "anthropic/claude-sonnet-5-5")).toEqual({
      id: "anthropic/claude-sonnet-5-5",
      name: "Claude Sonnet 5.5",
      provider: "anthropic",
      contextTokens: 200_000,
      maxOutputTokens: 128_000,
      capabilities: ["tools", "vision", "reasoning"],
      jurisdictions: ["global"],
      prices: { input: 2_000_000, cachedInput: 200_000, output: 10_000_000, cacheWrite: 2_500_000 },
    });
    expect(catalog.data.find((model) => model.id === "qwen/qwen4-max")?.jurisdictions).toEqual(["SG", "US", "CN"]);
  });

  it("shows the price in force: a scheduled change applies from its date", () => {
    const flash = (at: string) =>
      modelCatalog(MODELS, 122, new Date(at)).data.find((model) => model.id === "gemini/gemini-3.8-flash");
    expect(flash("2026-12-31T23:59:59Z")?.prices.input).toBe(750_000);
    expect(flash("2027-01-01T00:00:00Z")?.prices.input).toBe(1_500_000);
  });

  it("the contract's jurisdictions are the catalog's", () => {
    expect(jurisdictionSchema.options).toEqual([...JURISDICTIONS]);
  });
});
