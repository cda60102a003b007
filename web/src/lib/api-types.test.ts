/**
 * The contract types that web/src/lib/api-types.ts re-exports from the worker's zod schemas
 * (worker/src/contracts/dashboard-api.ts) keep the shapes the SPA was written against: each equals the hand-written
 * interface it replaced (below, as it was). A schema change that alters a shape fails the type check here.
 */
import { describe, expectTypeOf, it } from "vitest";
import type * as Api from "./api-types";

type HandJurisdiction = "CN" | "SG" | "US" | "EU" | "global";

type HandUsageStatus = "ok" | "error" | "cancelled";

/** The filter of every /api/usage endpoint (query string). `from` is inclusive, `to` exclusive. */
interface HandUsageFilter {
  from: string;
  to: string;
  model?: string | null;
  keyId?: string | null;
  status?: HandUsageStatus | null;
}

/** Sums over the requests of a filter. */
interface HandUsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  costMicroUsd: number;
}

// `UsageTotals & {...}` as it was, spelled as interfaces: the same shape (expect-type compares intersections apart).
interface HandByModel extends HandUsageTotals {
  model: string;
}
interface HandByKey extends HandUsageTotals {
  keyId: string | null;
  keyName: string | null;
}

/** GET /api/usage/summary?from&to[&model&keyId&status] */
interface HandUsageSummary {
  totals: HandUsageTotals;
  /** One row per UTC day and model with any request, oldest first (a chart stacks them by model). */
  byDay: Array<{ day: string; model: string; requests: number; costMicroUsd: number }>;
  /** Most expensive first. */
  byModel: Array<HandByModel>;
  /** Most expensive first; `keyId` null for requests of a deleted key. */
  byKey: Array<HandByKey>;
}

/** One metered request: ids, model, counts, cost and timings. Never any prompt or response content. */
interface HandUsageEvent {
  /** The x-request-id the gateway returned. */
  requestId: string;
  createdAt: string;
  model: string;
  provider: string;
  keyId: string | null;
  keyName: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costMicroUsd: number;
  latencyMs: number;
  timeToFirstTokenMs: number | null;
  status: HandUsageStatus;
  httpStatus: number;
  cacheHit: boolean;
  stream: boolean;
}

/** GET /api/usage/events?filter[&cursor&limit]: newest first, keyset-paged. */
interface HandUsageEventPage {
  data: HandUsageEvent[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** GET /api/notices: material changes and service notices, announced in the product ahead of time (policy). */
interface HandNotice {
  id: string;
  kind: "policy" | "service";
  title: { en: string; bn: string };
  body: { en: string; bn: string };
  publishedAt: string;
  /** When the change takes effect (at least 30 days after publication for a policy change). */
  effectiveAt: string | null;
  /** For a policy notice: the version it announces. */
  policyVersion: string | null;
}

interface HandNoticeList {
  data: HandNotice[];
}

/** Prices in integer micro-USD per 1M tokens. */
interface HandModelPrices {
  input: number;
  cachedInput: number;
  output: number;
  cacheWrite: number | null;
}

/** One entry of GET /api/models: the catalog the dashboard's Models page shows. */
interface HandCatalogModel {
  id: string;
  name: string;
  provider: string;
  contextTokens: number;
  maxOutputTokens: number;
  capabilities: string[];
  /** Where its routes process data (policy section 8), in routing order. */
  jurisdictions: HandJurisdiction[];
  prices: HandModelPrices;
}

/** GET /api/models */
interface HandModelCatalog {
  data: HandCatalogModel[];
  /** BDT per USD used to show prices in taka (configuration, not a live rate). */
  bdtPerUsd: number;
}

describe("API contract types", () => {
  it("equal the hand-written shapes the SPA codes against", () => {
    expectTypeOf<Api.Jurisdiction>().toEqualTypeOf<HandJurisdiction>();
    expectTypeOf<Api.UsageStatus>().toEqualTypeOf<HandUsageStatus>();
    expectTypeOf<Api.UsageFilter>().toEqualTypeOf<HandUsageFilter>();
    expectTypeOf<Api.UsageTotals>().toEqualTypeOf<HandUsageTotals>();
    expectTypeOf<Api.UsageSummary>().toEqualTypeOf<HandUsageSummary>();
    expectTypeOf<Api.UsageSummary["byModel"][number]>().toEqualTypeOf<HandUsageSummary["byModel"][number]>();
    expectTypeOf<Api.UsageSummary["byDay"][number]>().toEqualTypeOf<HandUsageSummary["byDay"][number]>();
    expectTypeOf<Api.UsageSummary["byKey"][number]>().toEqualTypeOf<HandUsageSummary["byKey"][number]>();
    expectTypeOf<Api.UsageEvent>().toEqualTypeOf<HandUsageEvent>();
    expectTypeOf<Api.UsageEventPage>().toEqualTypeOf<HandUsageEventPage>();
    expectTypeOf<Api.Notice>().toEqualTypeOf<HandNotice>();
    expectTypeOf<Api.NoticeList>().toEqualTypeOf<HandNoticeList>();
    expectTypeOf<Api.ModelPrices>().toEqualTypeOf<HandModelPrices>();
    expectTypeOf<Api.CatalogModel>().toEqualTypeOf<HandCatalogModel>();
    expectTypeOf<Api.ModelCatalog>().toEqualTypeOf<HandModelCatalog>();
  });
});
