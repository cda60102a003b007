/**
 * A key's model aliases on the hot path. Only a `model` that is not a catalog id reaches this (catalog ids cost
 * nothing extra), before admission has verified the key:
 * - key record known to this isolate (edge-key-records.ts: at most 10 s old): nothing read at all;
 * - otherwise the key record (`omz:key:<sha256>`, written by the admission script with the aliases in field "al"):
 *   one read-only script (a replica read), which this isolate then keeps, no Postgres;
 * - key known to be unknown (the record's "missing" marker): nothing more, no aliases;
 * - cold record: one indexed Postgres read of the active key's aliases (the admission that follows then fills the
 *   record, aliases included).
 * An unknown, revoked or expired key has no aliases; its request then fails as an unknown model, after the auth-only
 * admission has answered 401 for a bad key (chat/admission.ts `beforeAdmission`). A change through the keys API
 * deletes the record (identity/key-record-invalidation.ts), so the next request here reads the new map, and every
 * other isolate within KEY_RECORD_MAX_STALE_MS (10 s).
 */
import type { Database } from "../../../../db/client.ts";
import { lazyModule } from "../../lib/lazy-module.ts";
import { readAliasMap } from "../identity/model-aliases.ts";
import { edgeKeyRecord } from "./edge-key-records.ts";
import type { ReadOnlyScriptClient } from "./script-client.ts";

/** The cold record's Postgres read (drizzle-orm, the schema), imported on first use (docs/cold-start.md). */
const storedAliases = lazyModule(() => import("./stored-key-aliases.ts"));

export interface KeyAliasDeps {
  scripts: ReadOnlyScriptClient;
  /** The request's Postgres (Services.openDatabase), opened only for a cold key record. */
  openDatabase(): Promise<Pick<Database, "select">>;
  /** Keeps the background refresh of a stale key record alive (the request's waitUntil); default: not awaited. */
  waitUntil?: (work: Promise<unknown>) => void;
  now?: number;
}

function expired(expiresAtMs: number, now: number): boolean {
  return expiresAtMs > 0 && expiresAtMs <= now;
}

/** The key's alias map ({} for a key that has none, or is unknown, revoked or expired). */
export async function readKeyAliases(deps: KeyAliasDeps, keyHash: string): Promise<Record<string, string>> {
  const now = deps.now ?? Date.now();
  const entry = await edgeKeyRecord(
    { scripts: deps.scripts, waitUntil: deps.waitUntil ?? ((work) => void work.catch(() => undefined)) },
    keyHash,
  );
  if (entry?.kind === "unknown") return {};
  if (entry) return expired(entry.record.expiresAtMs, now) ? {} : readAliasMap(entry.record.aliases);
  const { readStoredKeyAliases } = storedAliases.loaded ?? (await storedAliases.load());
  const row = await readStoredKeyAliases(await deps.openDatabase(), keyHash);
  if (!row || expired(row.expiresAt?.getTime() ?? 0, now)) return {};
  return readAliasMap(row.aliases);
}
