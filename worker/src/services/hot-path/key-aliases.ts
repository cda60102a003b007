/**
 * A key's model aliases on the hot path. Only a `model` that is not a catalog id reaches this (catalog ids cost
 * nothing extra), before admission has verified the key:
 * - warm key record (`omz:key:<sha256>`, written by the admission script with the aliases in field "al"): one Redis
 *   HMGET, no Postgres;
 * - key known to be unknown (the record's "missing" marker): nothing more, no aliases;
 * - cold record: one indexed Postgres read of the active key's aliases (the admission that follows then fills the
 *   record, aliases included).
 * An unknown, revoked or expired key has no aliases; its request then fails as an unknown model, after the auth-only
 * admission has answered 401 for a bad key (chat/admission.ts `beforeAdmission`). A change through the keys API
 * deletes the record (identity/key-record-invalidation.ts), so the next request reads the new map.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { apiKeys } from "../../../../db/schema.ts";
import { readAliasMap } from "../identity/model-aliases.ts";
import { keyRecordKey } from "../identity/key-record-invalidation.ts";

export interface KeyAliasDeps {
  redis: Pick<Redis, "hmget">;
  database(): Pick<Database, "select">;
  now?: number;
}

function expired(expiresAtMs: number, now: number): boolean {
  return expiresAtMs > 0 && expiresAtMs <= now;
}

/** The key's alias map ({} for a key that has none, or is unknown, revoked or expired). */
export async function readKeyAliases(deps: KeyAliasDeps, keyHash: string): Promise<Record<string, string>> {
  const now = deps.now ?? Date.now();
  const fields = await deps.redis.hmget<Record<string, string | null>>(
    keyRecordKey(keyHash),
    "missing",
    "u",
    "exp",
    "al",
  );
  if (fields?.missing) return {};
  if (fields?.u) return expired(Number(fields.exp ?? 0), now) ? {} : readAliasMap(fields.al ?? "");
  const rows = await deps
    .database()
    .select({ aliases: apiKeys.modelAliases, expiresAt: apiKeys.expiresAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  const row = rows[0];
  if (!row || expired(row.expiresAt?.getTime() ?? 0, now)) return {};
  return readAliasMap(row.aliases);
}
