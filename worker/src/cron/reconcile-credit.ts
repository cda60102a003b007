/**
 * The reconciliation job (cron, every minute after the usage drain and posting): checks one page of accounts per run
 * (services/billing/reconciliation.ts), walking all accounts in id order with a cursor kept in Redis, so each run is
 * bounded (RECONCILE_PAGE accounts: one Postgres statement, one Redis script) and every account comes round. Logs one
 * line per run and one per drift (ids and numbers only); any drift is also sent to the error reporter.
 */
import type { Database } from "../../../db/client.ts";
import { asc, gt } from "drizzle-orm";
import { users } from "../../../db/schema.ts";
import type { ScriptClient } from "../services/hot-path/script-client.ts";
import { reconcileAccounts, type ReconciliationResult } from "../services/billing/reconciliation.ts";

/** Accounts checked per run. */
export const RECONCILE_PAGE = 500;
/** The last account id checked; absent = start from the first. */
export const RECONCILE_CURSOR_KEY = "omz:reconcile:cursor";

export interface CursorStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

export interface ReconcileCreditDeps {
  db: Database;
  redis: ScriptClient & CursorStore;
  /** Called once per run that found drift (the error reporter). */
  reportDrift(error: Error): void;
  now?: number;
}

export interface ReconcileCreditReport {
  accounts: number;
  ledgerDrifts: number;
  counterDrifts: number;
  countersChecked: number;
  countersBusy: number;
  generationMoved: boolean;
  /** The run reached the last account; the next starts from the first. */
  wrapped: boolean;
}

/** Drift found by reconciliation; its message carries counts only (the ids are in the log lines). */
export class CreditDriftError extends Error {
  override readonly name = "CreditDriftError";
}

export async function reconcileCredit(
  deps: ReconcileCreditDeps,
  pageSize = RECONCILE_PAGE,
): Promise<ReconcileCreditReport> {
  const cursor = await deps.redis.get(RECONCILE_CURSOR_KEY);
  const page = await deps.db
    .select({ id: users.id })
    .from(users)
    .where(typeof cursor === "string" && cursor !== "" ? gt(users.id, cursor) : undefined)
    .orderBy(asc(users.id))
    .limit(pageSize);
  const ids = page.map((row) => row.id);
  const result = await reconcileAccounts(
    { db: deps.db, scripts: deps.redis, ...(deps.now === undefined ? {} : { now: deps.now }) },
    ids,
  );
  const last = ids.at(-1);
  const wrapped = ids.length < pageSize || last === undefined;
  if (wrapped) await deps.redis.del(RECONCILE_CURSOR_KEY);
  else await deps.redis.set(RECONCILE_CURSOR_KEY, last);
  logDrifts(result);
  return {
    accounts: result.accounts,
    ledgerDrifts: result.ledgerDrifts.length,
    counterDrifts: result.counterDrifts.length,
    countersChecked: result.countersChecked,
    countersBusy: result.countersBusy,
    generationMoved: result.generationMoved,
    wrapped,
  };

  function logDrifts(found: ReconciliationResult): void {
    for (const drift of found.ledgerDrifts)
      console.error(JSON.stringify({ event: "credit-drift", kind: "ledger", ...drift }));
    for (const drift of found.counterDrifts) {
      console.error(JSON.stringify({ event: "credit-drift", kind: "counter", fixed: true, ...drift }));
    }
    if (found.ledgerDrifts.length + found.counterDrifts.length === 0) return;
    deps.reportDrift(
      new CreditDriftError(
        `credit drift: ${found.ledgerDrifts.length} balance/ledger, ${found.counterDrifts.length} counter (fixed)`,
      ),
    );
  }
}
