import { startEmbeddedPostgres } from "./embedded-server.ts";
import { localPostgres, probeLocalPostgres } from "./local-probe.ts";

/** Options for {@link resolvePostgres}. */
export type ResolvePostgresOptions = {
  /** Database the stack uses; created on the local server if missing. */
  database: string;
  /** Where the embedded fallback keeps its data (a gitignored folder the caller picks). */
  dataDir: string;
  /** Receives progress lines; defaults to console.log. Never given a password. */
  log?: (line: string) => void;
  /** Environment to read; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
};

/** The Postgres the stack should use. */
export type ResolvedPostgres = {
  url: string;
  kind: "env" | "local" | "embedded";
  host: string;
  port: number;
  /** Stops what resolvePostgres started (the embedded server); a no-op for "env" and "local". */
  close(): Promise<void>;
};

/**
 * Chooses the Postgres for the local stack, in this order:
 * 1. `DATABASE_URL` in env, used as is (kind "env").
 * 2. The server on 127.0.0.1:5432 (user postgres, no password, ~1 s connect timeout), with
 *    `options.database` created if missing (kind "local").
 * 3. An embedded PGlite in `options.dataDir`, served over the wire protocol on an ephemeral loopback
 *    port (kind "embedded"). Setting `OMNIZEN_FORCE_EMBEDDED_POSTGRES=1` in env skips step 2 (step 1 still
 *    wins). The embedded server accepts many connections but runs one unit of work (one transaction) at a
 *    time, has a single database (any database name in the URL reaches it) and shares session state (SET,
 *    prepared statement names) between connections.
 * Always logs exactly one line "postgres: using <kind> ..." without the password.
 */
export async function resolvePostgres(options: ResolvePostgresOptions): Promise<ResolvedPostgres> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const noop = async (): Promise<void> => {};

  const fromEnv = env.DATABASE_URL;
  if (fromEnv) {
    const parsed = new URL(fromEnv);
    const port = parsed.port ? Number(parsed.port) : 5432;
    log(`postgres: using env DATABASE_URL ${redactPassword(fromEnv)}`);
    return { url: fromEnv, kind: "env", host: parsed.hostname, port, close: noop };
  }

  let whyEmbedded = "OMNIZEN_FORCE_EMBEDDED_POSTGRES=1 is set";
  if (env.OMNIZEN_FORCE_EMBEDDED_POSTGRES !== "1") {
    const probe = await probeLocalPostgres(options.database);
    if (probe.reachable) {
      const { host, port, user } = localPostgres;
      const url = `postgres://${user}@${host}:${port}/${encodeURIComponent(options.database)}`;
      log(`postgres: using local server ${url}`);
      return { url, kind: "local", host, port, close: noop };
    }
    whyEmbedded = `${localPostgres.host}:${localPostgres.port} did not accept a connection (${probe.reason})`;
  }

  const banner = "!".repeat(78);
  log(banner);
  log(`!! EMBEDDED POSTGRES FALLBACK (PGlite, data in ${options.dataDir})`);
  log(`!! because ${whyEmbedded}.`);
  log("!! One transaction at a time; install/start Postgres on 127.0.0.1:5432 or set DATABASE_URL for the real thing.");
  log(banner);
  const embedded = await startEmbeddedPostgres({ dataDir: options.dataDir, log });
  const url = `postgres://postgres@${embedded.host}:${embedded.port}/${encodeURIComponent(options.database)}`;
  log(`postgres: using embedded PGlite ${url}`);
  return { url, kind: "embedded", host: embedded.host, port: embedded.port, close: () => embedded.close() };
}

/** The URL with any password replaced by `***`; unparsable input is replaced entirely. */
export function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<unparsable DATABASE_URL>";
  }
}
