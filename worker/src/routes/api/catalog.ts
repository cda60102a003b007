/**
 * Read-only dashboard data from the worker's typed configuration (session auth):
 * - `GET /api/models` → `ModelCatalog`: the models that work here (their provider has an adapter, as on
 *   `/v1/models`) with prices in micro-USD per 1M tokens, context length, output limit, capabilities and
 *   jurisdictions, and `bdtPerUsd` (config `BDT_PER_USD`) to show prices in taka.
 * - `GET /api/notices` → `NoticeList`: current policy and service notices in English and Bangla
 *   (catalog/notices.ts), newest first. Which ones the user has read is the SPA's to keep.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { modelCatalog } from "../../catalog/model-catalog.ts";
import { MODELS } from "../../catalog/models.ts";
import { currentNotices } from "../../catalog/notices.ts";
import { getAdapter } from "../../providers/index.ts";

const listed = MODELS.filter((model) => model.routes.some((route) => getAdapter(route.provider)));

export const modelCatalogRoutes = new Hono<AppEnv>().get("/", (context) =>
  context.json(modelCatalog(listed, context.get("config").BDT_PER_USD, new Date())),
);

export const noticeRoutes = new Hono<AppEnv>().get("/", (context) =>
  context.json({ data: currentNotices(new Date()) }),
);
