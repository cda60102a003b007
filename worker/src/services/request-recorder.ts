/**
 * Builds the usage and operational-log rows of a routed request and writes them through a Neon pool created for
 * this purpose and ended afterwards. Runs inside `waitUntil`; failures are logged with ids only, never content.
 */
import type { Context } from "hono";
import { createDb } from "../../../db/client.ts";
import type { AppEnv } from "../app-env.ts";
import type { NormalizedUsage } from "../providers/types.ts";
import { recordUsage } from "./usage-sink.ts";

export interface RequestRecord {
  modelId: string;
  /** The upstream provider, or `cache` for a prompt-cache hit. */
  provider: string;
  usage: NormalizedUsage;
  costMicroUsd: number;
  priceVersion: string;
  status: "ok" | "error" | "cancelled";
  httpStatus: number;
  stream: boolean;
  cacheHit: boolean;
  firstTokenAt: number | null;
}

export async function writeRequestRecord(context: Context<AppEnv>, record: RequestRecord): Promise<void> {
  const config = context.get("config");
  const auth = context.get("auth");
  const requestId = context.get("requestId");
  const startedAt = context.get("startedAt");
  const { db, pool } = createDb({ url: config.DATABASE_URL, wsProxy: config.NEON_WS_PROXY });
  try {
    await recordUsage(
      db,
      {
        requestId,
        userId: auth.userId,
        apiKeyId: auth.keyId,
        model: record.modelId,
        provider: record.provider,
        promptTokens: record.usage.inputUncached,
        completionTokens: record.usage.output,
        cachedTokens: record.usage.cacheRead,
        cacheWriteTokens: record.usage.cacheWrite,
        reasoningTokens: record.usage.reasoning,
        costMicroUsd: record.costMicroUsd,
        priceVersion: record.priceVersion,
        usageSource: record.usage.source,
        status: record.status,
        httpStatus: record.httpStatus,
        stream: record.stream,
        cacheHit: record.cacheHit,
        latencyMs: Date.now() - startedAt,
        timeToFirstTokenMs: record.firstTokenAt === null ? null : record.firstTokenAt - startedAt,
      },
      {
        requestId,
        userId: auth.userId,
        ip: context.req.header("cf-connecting-ip") ?? null,
        userAgent: context.req.header("user-agent")?.slice(0, 512) ?? null,
        method: context.req.method,
        path: new URL(context.req.url).pathname,
        status: record.httpStatus,
      },
    );
  } catch (error) {
    console.error(JSON.stringify({ event: "usage-write-failed", requestId, error: error instanceof Error ? error.name : "unknown" }));
  } finally {
    await pool.end().catch(() => undefined);
  }
}
