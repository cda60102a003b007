/**
 * GET /v1/generation?id=<request id>: what one request cost and how it went (contracts/generation-api.ts), in
 * OpenRouter's shape where it fits, for a key of the account that made it; never content. The key is checked by the
 * auth-only admission (one Upstash round trip, rate limits included), then Postgres is read: usage reaches Postgres
 * through the usage drain about once a minute, so a request just answered is a 404 `generation_not_found` for up to
 * about a minute, and clients retry (as they do with OpenRouter). Another account's id is the same 404.
 * https://openrouter.ai/docs/api/api-reference/generations/get-generation
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { admitWithoutCompletion } from "../chat/admission.ts";
import { chatScope } from "../chat/chat-scope.ts";
import { GatewayError } from "../errors.ts";
import { lazyModule } from "../lib/lazy-module.ts";

/** The Postgres read (drizzle-orm, the schema), imported on the first lookup (docs/cold-start.md). */
const generationRecord = lazyModule(() => import("../services/usage/generation-record.ts"));

/** Request ids are ours (middleware/request-meta.ts) or a client's `x-request-id`; nothing longer is looked up. */
const MAX_ID_LENGTH = 200;

export const generationRoute = new Hono<AppEnv>().get("/", async (context) => {
  const scope = chatScope(context);
  const admission = await admitWithoutCompletion(scope);
  const id = context.req.query("id")?.trim() ?? "";
  if (id === "" || id.length > MAX_ID_LENGTH) {
    throw new GatewayError("invalid_request", "Send the request id to look up as ?id=<x-request-id of the answer>.", {
      param: "id",
    });
  }
  const { findGeneration } = generationRecord.loaded ?? (await generationRecord.load());
  const generation = await findGeneration(await scope.services.openDatabase(), admission.auth.userId, id);
  if (!generation) {
    throw new GatewayError(
      "generation_not_found",
      `No generation '${id.slice(0, 100)}' for this account yet. Usage is recorded within about a minute of the ` +
        "answer: retry shortly.",
      { param: "id" },
    );
  }
  return context.json({ data: generation });
});
