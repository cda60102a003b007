/**
 * The active key's aliases as Postgres has them, for a cold key record only (key-aliases.ts). Imported on first use,
 * so drizzle-orm and the schema stay off a fresh isolate's start (docs/cold-start.md).
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { apiKeys } from "../../../../db/schema.ts";

/** The aliases (as stored) and expiry of the unrevoked key with this hash, or null when there is none. */
export async function readStoredKeyAliases(
  db: Pick<Database, "select">,
  keyHash: string,
): Promise<{ aliases: unknown; expiresAt: Date | null } | null> {
  const rows = await db
    .select({ aliases: apiKeys.modelAliases, expiresAt: apiKeys.expiresAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  return rows[0] ?? null;
}
