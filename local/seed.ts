/**
 * Seeds the local development user (with prepaid credit) and one API key. Idempotent: running it again keeps the
 * user, tops its credit up to at least the seed amount, and inserts the key only if its hash is new.
 */
import pg from "pg";
import { displayPrefix, hashApiKey } from "../worker/src/lib/api-key.ts";
import { topUpLocalAccount } from "./ledger-credit.ts";

export const DEV_USER_EMAIL = "dev@omnizen.local";
export const DEV_SEED_CREDIT_MICRO_USD = 10_000_000; // 10 USD

export interface SeedResult {
  userId: string;
  keyId: string;
  creditMicroUsd: number;
}

export async function seedDevUser(databaseUrl: string, apiKey: string): Promise<SeedResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    const user = await client.query<{ id: string }>(
      `INSERT INTO users (clerk_user_id, email, name, plan, age_confirmed_at)
       VALUES ('local_dev_user', $1, 'Local Developer', 'internal', now())
       ON CONFLICT (clerk_user_id) DO UPDATE SET plan = EXCLUDED.plan
       RETURNING id`,
      [DEV_USER_EMAIL],
    );
    const userRow = user.rows[0];
    if (!userRow) throw new Error("seeding the development user returned no row");
    // Through the ledger, so the balance stays the sum of the account's ledger rows.
    const credit = await topUpLocalAccount(client, userRow.id, DEV_SEED_CREDIT_MICRO_USD, "seed");
    const keyHash = await hashApiKey(apiKey);
    await client.query(
      `INSERT INTO api_keys (user_id, name, key_hash, prefix) VALUES ($1, 'local development', $2, $3)
       ON CONFLICT (key_hash) DO UPDATE SET revoked_at = NULL`,
      [userRow.id, keyHash, displayPrefix(apiKey)],
    );
    const key = await client.query<{ id: string }>("SELECT id FROM api_keys WHERE key_hash = $1", [keyHash]);
    await client.query("COMMIT");
    return { userId: userRow.id, keyId: key.rows[0]?.id ?? "", creditMicroUsd: credit };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
