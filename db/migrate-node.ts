/**
 * Applies the committed migrations in db/migrations to the database at `url` (Node side: `npm run db:migrate`,
 * `npm run dev` and the test setup). Idempotent: drizzle records applied migrations in `drizzle.__drizzle_migrations`,
 * and a Postgres advisory lock keeps two concurrent starts from applying the same migration twice.
 */
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

const MIGRATION_LOCK_ID = 4_206_661_337;

export async function migrateDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}
