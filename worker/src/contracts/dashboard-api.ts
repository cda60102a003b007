/**
 * The dashboard API's contract for usage, notices and the model catalog: zod schemas of the query strings the worker
 * accepts and of the JSON it answers. The worker validates with them (routes/api/usage.ts, notices.ts, models.ts),
 * and the SPA takes its types from them (`import type` in web/src/lib/api-types.ts), so the two cannot drift.
 *
 * This module imports zod and nothing else (lint: nothing else in worker/src), so the SPA's type check can read it.
 * Conventions: camelCase fields, timestamps as ISO 8601 strings in UTC, money as integer micro-USD in `...MicroUsd`
 * fields, lists as `{ data: [...] }`.
 */
import * as z from "zod";

/** Where a request may be processed (policy 8); the same list as catalog/types.ts `JURISDICTIONS`. */
export const jurisdictionSchema = z.enum(["CN", "SG", "US", "EU", "global"]);

export const usageStatusSchema = z.enum(["ok", "error", "cancelled"]);

/** The widest date range one usage query may cover. */
export const USAGE_MAX_RANGE_DAYS = 366;
/** Page size of `GET /api/usage/events`: default and maximum. */
export const USAGE_PAGE_DEFAULT = 50;
export const USAGE_PAGE_MAX = 200;
/** Rows at most in one `GET /api/usage/events.csv`; a larger result ends with a note saying it was cut. */
export const USAGE_CSV_MAX_ROWS = 100_000;

const isoDateTime = z.iso.datetime({ offset: true });
const microUsd = z.number().int();
const count = z.number().int().nonnegative();

/** The filter of every /api/usage endpoint, as the SPA sends it. `from` is inclusive, `to` exclusive. */
export const usageFilterSchema = z.object({
  from: isoDateTime,
  to: isoDateTime,
  model: z.string().min(1).max(200).nullable().optional(),
  keyId: z.uuid().nullable().optional(),
  status: usageStatusSchema.nullable().optional(),
});

/** `GET /api/usage/events` adds the page: an opaque cursor from the previous page and a page size. */
export const usageEventsQuerySchema = usageFilterSchema.extend({
  cursor: z.string().min(1).max(200).nullable().optional(),
  limit: z.coerce.number().int().min(1).max(USAGE_PAGE_MAX).optional(),
});

export const usageTotalsSchema = z.object({
  requests: count,
  /** Uncached input tokens. */
  inputTokens: count,
  outputTokens: count,
  /** Input tokens read from the provider's prompt cache. */
  cachedTokens: count,
  reasoningTokens: count,
  costMicroUsd: microUsd,
});

export const usageSummarySchema = z.object({
  totals: usageTotalsSchema,
  /** One row per UTC day and model with any request, oldest first (a chart stacks them by model). */
  byDay: z.array(
    z.object({
      /** YYYY-MM-DD (UTC). */
      day: z.string(),
      model: z.string(),
      requests: count,
      costMicroUsd: microUsd,
    }),
  ),
  /** Most expensive first. */
  byModel: z.array(usageTotalsSchema.extend({ model: z.string() })),
  /** Most expensive first; `keyId` null for requests of a deleted key. */
  byKey: z.array(usageTotalsSchema.extend({ keyId: z.string().nullable(), keyName: z.string().nullable() })),
});

/** One metered request: ids, model, counts, cost and timings. Never any prompt or response content. */
export const usageEventSchema = z.object({
  /** The x-request-id the gateway returned. */
  requestId: z.string(),
  createdAt: isoDateTime,
  model: z.string(),
  provider: z.string(),
  keyId: z.string().nullable(),
  keyName: z.string().nullable(),
  inputTokens: count,
  outputTokens: count,
  cachedTokens: count,
  cacheWriteTokens: count,
  reasoningTokens: count,
  costMicroUsd: microUsd,
  latencyMs: z.number().int(),
  timeToFirstTokenMs: z.number().int().nullable(),
  status: usageStatusSchema,
  httpStatus: z.number().int(),
  cacheHit: z.boolean(),
  stream: z.boolean(),
});

export const usageEventPageSchema = z.object({
  data: z.array(usageEventSchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});

/** Text in each language of the SPA. */
const localizedSchema = z.object({ en: z.string().min(1), bn: z.string().min(1) });

export const noticeSchema = z.object({
  id: z.string(),
  kind: z.enum(["policy", "service"]),
  title: localizedSchema,
  body: localizedSchema,
  publishedAt: isoDateTime,
  /** When the change takes effect (at least 30 days after publication for a policy change). */
  effectiveAt: isoDateTime.nullable(),
  /** For a policy notice: the version it announces. */
  policyVersion: z.string().nullable(),
});

export const noticeListSchema = z.object({ data: z.array(noticeSchema) });

/** Prices in integer micro-USD per 1M tokens. */
export const modelPricesSchema = z.object({
  input: microUsd,
  cachedInput: microUsd,
  output: microUsd,
  cacheWrite: microUsd.nullable(),
});

export const catalogModelSchema = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.string(),
  contextTokens: z.number().int().positive(),
  maxOutputTokens: z.number().int().positive(),
  capabilities: z.array(z.string()),
  /** Where its routes process data (policy section 8), in routing order. */
  jurisdictions: z.array(jurisdictionSchema),
  prices: modelPricesSchema,
});

export const modelCatalogSchema = z.object({
  data: z.array(catalogModelSchema),
  /** BDT per USD used to show prices in taka (configuration, not a live rate). */
  bdtPerUsd: z.number().positive(),
});

export type Jurisdiction = z.infer<typeof jurisdictionSchema>;
export type UsageStatus = z.infer<typeof usageStatusSchema>;
export type UsageFilter = z.infer<typeof usageFilterSchema>;
export type UsageEventsQuery = z.infer<typeof usageEventsQuerySchema>;
export type UsageTotals = z.infer<typeof usageTotalsSchema>;
export type UsageSummary = z.infer<typeof usageSummarySchema>;
export type UsageEvent = z.infer<typeof usageEventSchema>;
export type UsageEventPage = z.infer<typeof usageEventPageSchema>;
export type Notice = z.infer<typeof noticeSchema>;
export type NoticeList = z.infer<typeof noticeListSchema>;
export type ModelPrices = z.infer<typeof modelPricesSchema>;
export type CatalogModel = z.infer<typeof catalogModelSchema>;
export type ModelCatalog = z.infer<typeof modelCatalogSchema>;
