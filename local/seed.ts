/**
 * Seeds the local development user (with prepaid credit) and one API key. Idempotent: running it again keeps the
 * user, tops its credit up to at least the seed amount, and inserts the key only if its hash is new.
 */
import pg from "pg";
import { displayPrefix, hashApiKey } from "../worker/src/lib/api-key.ts";

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
    const user = await client.query<{ id: string; credit: string }>(
      `INSERT INTO users (clerk_user_id, email, name, plan, credit_balance_micro_usd, age_confirmed_at)
       VALUES ('local_dev_user', $1, 'Local Developer', 'internal', $2, now())
       ON CONFLICT (clerk_user_id) DO UPDATE
         SET credit_balance_micro_usd = GREATEST(users.credit_balance_micro_usd, EXCLUDED.credit_balance_micro_usd), plan = EXCLUDED.plan
       RETURNING id, credit_balance_micro_usd AS credit`,
      [DEV_USER_EMAIL, DEV_SEED_CREDIT_MICRO_USD],
    );
    const userRow = user.rows[0];
    if (!userRow) throw new Error("seeding the development user returned no row");
    const keyHash = await hashApiKey(apiKey);
    await client.query(
      `INSERT INTO api_keys (user_id, name, key_hash, prefix) VALUES ($1, 'local development', $2, $3)
       ON CONFLICT (key_hash) DO UPDATE SET revoked_at = NULL`,
      [userRow.id, keyHash, displayPrefix(apiKey)],
    );
    const key = await client.query<{ id: string }>("SELECT id FROM api_keys WHERE key_hash = $1", [keyHash]);
    await client.query("COMMIT");
    return { userId: userRow.id, keyId: key.rows[0]?.id ?? "", creditMicroUsd: Number(userRow.credit) };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
