/**
 * Reads the API key on /v1/* (`Authorization: Bearer sk-omni-...`, or `x-api-key` as Anthropic clients send it) and
 * refuses a missing or malformed one without any lookup (a malformed attempt still counts toward the per-IP
 * failed-authentication throttle, in the background). The key itself is checked by the admission script, in the
 * same Upstash round trip as limits, credit and the prompt cache.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { GatewayError } from "../errors.ts";
import { hashApiKey, isWellFormedApiKey } from "../lib/api-key.ts";
import { throttleSubject } from "../lib/throttle-subject.ts";

export const apiKeyAuth = () =>
  createMiddleware<AppEnv>(async (context, next) => {
    const bearer = context.req.header("authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    const key = bearer ?? context.req.header("x-api-key")?.trim();
    if (!key) {
      throw new GatewayError(
        "missing_api_key",
        "Missing API key: send 'Authorization: Bearer <your omnizen key>' (or 'x-api-key').",
      );
    }
    if (!isWellFormedApiKey(key)) {
      const ip = throttleSubject(context.get("meta").ip ?? undefined);
      if (ip) {
        const redis = context.get("services").scripts;
        const failures = `omz:authfail:${ip}:${Math.floor(Date.now() / 60_000)}`;
        context.executionCtx.waitUntil(
          Promise.all([redis.incr(failures), redis.pexpire(failures, 121_000)]).catch(() => undefined),
        );
      }
      throw new GatewayError(
        "invalid_api_key",
        "Invalid API key. Keys start with 'sk-omni-'; check it or create a new one.",
      );
    }
    context.set("apiKey", key);
    context.set("keyHash", await hashApiKey(key));
    await next();
  });
