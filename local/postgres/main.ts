// Prints the Postgres the local stack would use: `npx tsx local/postgres/main.ts [database]`.
// Keeps an embedded fallback running until Ctrl-C (data in .local-data/pglite unless OMNIZEN_PGLITE_DIR is set).
import { resolvePostgres } from "./resolve.ts";

const resolved = await resolvePostgres({
  database: process.argv[2] ?? "omnizen",
  dataDir: process.env.OMNIZEN_PGLITE_DIR ?? ".local-data/pglite",
});
if (resolved.kind !== "embedded") process.exit(0);
console.log(`embedded Postgres ready at ${resolved.url} (Ctrl-C to stop)`);
const shutdown = (): void => {
  void resolved.close().then(() => process.exit(0));
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
