/**
 * `npm run db:migrate`: applies the committed migrations to DATABASE_URL, or else to the local development database
 * that `npm run dev` uses (127.0.0.1:5432/omnizen, or the embedded PGlite in .local-data/pglite).
 */
import { fileURLToPath } from "node:url";
import { migrateDatabase } from "../db/migrate-node.ts";
import { resolvePostgres } from "./postgres/resolve.ts";

const log = (line: string) => console.log(`[db:migrate] ${line}`);
const postgres = await resolvePostgres({
  database: process.env.OMNIZEN_DEV_DATABASE ?? "omnizen",
  dataDir: fileURLToPath(new URL("../.local-data/pglite", import.meta.url)),
  log,
});
try {
  await migrateDatabase(postgres.url);
  log("migrations applied");
} finally {
  await postgres.close();
}
