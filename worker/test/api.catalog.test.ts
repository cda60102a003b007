/**
 * `GET /api/models` and `GET /api/notices` through the worker: the contract's shapes (zod), the catalog's models with
 * their prices and limits, the configured BDT rate, and the current privacy policy notice in both languages.
 */
import { describe, expect, it } from "vitest";
import { modelCatalogSchema, noticeListSchema } from "../src/contracts/dashboard-api.ts";
import { maxOutputTokens } from "../src/catalog/output-limits.ts";
import { expectContract } from "./support/contract.ts";
import { dashboardFetch, seedDashboardUser } from "./support/dashboard.ts";

describe("GET /api/models", () => {
  it("lists the catalog with micro-USD prices per 1M tokens, limits, jurisdictions and the BDT rate", async () => {
    const user = await seedDashboardUser();
    const response = await dashboardFetch("/api/models", user.token);
    expect(response.status).toBe(200);
    const catalog = expectContract(modelCatalogSchema, await response.json());
    expect(catalog.bdtPerUsd).toBe(122);
    expect(catalog.data.length).toBeGreaterThanOrEqual(10);
    for (const model of catalog.data) {
      expect(model.maxOutputTokens).toBe(maxOutputTokens(model.id));
      expect(model.prices.input).toBeGreaterThan(0);
      expect(model.jurisdictions.length).toBeGreaterThan(0);
    }
    expect(catalog.data.find((model) => model.id === "deepseek/deepseek-flash")).toMatchObject({
      provider: "deepseek",
      contextTokens: 128_000,
      jurisdictions: ["CN"],
      prices: { input: 300_000, cachedInput: 6_000, output: 1_200_000, cacheWrite: null },
    });
  });
});

describe("GET /api/notices", () => {
  it("lists the current privacy policy version in English and Bangla", async () => {
    const user = await seedDashboardUser();
    const response = await dashboardFetch("/api/notices", user.token);
    expect(response.status).toBe(200);
    const { data } = expectContract(noticeListSchema, await response.json());
    const policy = data.find((notice) => notice.kind === "policy");
    expect(policy).toMatchObject({ id: "privacy-policy-2026-12-06", policyVersion: "2026-12-06" });
    expect(policy?.title.bn).not.toBe(policy?.title.en);
  });
});
