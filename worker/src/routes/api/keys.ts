/**
 * `/api/keys`: the caller's API keys.
 * - `GET /api/keys` → `ApiKeyList`, newest first, revoked ones included (with `revokedAt`).
 * - `POST /api/keys` `CreateKeyInput` → 201 `CreatedApiKey`: the only time the secret is sent. Needs a recent sign-in
 *   (403 `reverification_required` otherwise; session-token.ts).
 * - `PATCH /api/keys/:id` `UpdateKeyInput` → `ApiKey`.
 * - `DELETE /api/keys/:id` → `ApiKey` with `revokedAt`; idempotent.
 * `spendLimit` is `{ amountMicroUsd, period: daily | weekly | monthly | none }` or null; `expiresAt` an ISO instant
 *   in the future or null; `modelAliases` `{ alias: catalog model id }` replaces the key's whole map (`{}` clears it;
 *   400 for an alias that is a catalog id or a target that is not one). The shapes are contracts/keys-api.ts.
 * Another account's key is a 404, like an unknown one. Revoking, and changing limits or jurisdictions, deletes the
 * key's record at the edge, so the change applies to the very next request (spend limits, expiry and aliases too).
 */
import { Hono, type Context } from "hono";
import * as z from "zod";
import type { AppEnv } from "../../app-env.ts";
import {
  createKeyInputSchema,
  updateKeyInputSchema,
  type ApiKey,
  type ApiKeyList,
  type CreatedApiKey,
} from "../../contracts/keys-api.ts";
import { DASHBOARD_BODY_MAX_BYTES, hasAnyField } from "../../contracts/request-fields.ts";
import { GatewayError } from "../../errors.ts";
import { readJsonBody } from "../read-json-body.ts";
import {
  createApiKey,
  listApiKeys,
  revokeApiKey,
  toApiKeyView,
  updateApiKey,
} from "../../services/identity/api-keys.ts";
import { invalidateKeyRecords } from "../../services/identity/key-record-invalidation.ts";
import { requireRecentSignIn } from "../../services/identity/session-token.ts";

/** The `:id` parameter; anything but a UUID cannot be a key (404 without a query). */
function keyId(context: Context<AppEnv>): string {
  const id = context.req.param("id") ?? "";
  if (!z.uuid().safeParse(id).success) throw new GatewayError("not_found", "No such API key.");
  return id;
}

export const keyRoutes = new Hono<AppEnv>();

keyRoutes.get("/", async (context) => {
  const data = await listApiKeys(context.get("services").database(), context.get("account").userId);
  return context.json({ data } satisfies ApiKeyList);
});

keyRoutes.post("/", async (context) => {
  // A new key is a lasting credential: a stolen session token alone must not mint one.
  requireRecentSignIn(context.get("session"));
  const body = await readJsonBody(context.req.raw, DASHBOARD_BODY_MAX_BYTES, createKeyInputSchema);
  const created = await createApiKey(context.get("services").database(), context.get("account").userId, body);
  context.header("cache-control", "no-store");
  return context.json(created satisfies CreatedApiKey, 201);
});

keyRoutes.patch("/:id", async (context) => {
  const id = keyId(context);
  const body = await readJsonBody(context.req.raw, DASHBOARD_BODY_MAX_BYTES, updateKeyInputSchema);
  const row = await updateApiKey(context.get("services").database(), context.get("account").userId, id, body);
  const { name: _name, ...edgeFields } = body;
  if (hasAnyField(edgeFields)) {
    await invalidateKeyRecords(context.get("redis"), [row.keyHash], context.executionCtx);
  }
  return context.json(toApiKeyView(row) satisfies ApiKey);
});

keyRoutes.delete("/:id", async (context) => {
  const row = await revokeApiKey(context.get("services").database(), context.get("account").userId, keyId(context));
  await invalidateKeyRecords(context.get("redis"), [row.keyHash], context.executionCtx);
  return context.json(toApiKeyView(row) satisfies ApiKey);
});
