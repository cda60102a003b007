/**
 * Settlement that never loses a bill: every caller of the settlement goes through here.
 *
 * 1. The settlement script (./settlement.ts), tried three times within about 300 ms.
 * 2. If all three fail, the usage record is written straight to Postgres with the drain's own idempotent INSERT
 *    (../usage/insert-usage-records.ts, ON CONFLICT (request_id) DO NOTHING): the request is billed and logged
 *    even while Upstash is unreachable.
 * 3. Still inside `waitUntil`, the settlement is tried again after LATER_SETTLEMENT_DELAYS_MS (and the Postgres
 *    write too, if it failed): once Upstash answers, the slots and the reservation are released at once instead of
 *    after their TTLs. A usage record already in Postgres is not queued again.
 * 4. What is still undone after the last try is reported (ids only): a lost usage record, or slots and a
 *    reservation left to expire (SLOT_TTL_MS; the credit counter is reloaded within CREDIT_COUNTER_TTL_MS).
 */
import type { QueuedUsage } from "../request-recorder.ts";
import { settle, type Settlement } from "./settlement.ts";

/** Further tries of the settlement after the first three failed (about 12 s in all, inside waitUntil's 30 s). */
export const LATER_SETTLEMENT_DELAYS_MS = [2_000, 10_000];

/** How a settlement ended. */
export type SettlementOutcome =
  /** Settled in Upstash (the usage record, if any, is queued for the drain or already in Postgres). */
  | "settled"
  /** The usage record is in Postgres, but Upstash never answered: slots and reservation expire on their own. */
  | "usage-written"
  /** Neither Upstash nor Postgres took the usage record: reported as lost. */
  | "usage-lost";

/** Reported when a settlement could not be completed; it carries no request data, only what was left undone. */
export class SettlementIncompleteError extends Error {
  override readonly name = "SettlementIncompleteError";
  constructor(
    readonly undone: "usage-record" | "slots-and-reservation",
    options?: { cause?: unknown },
  ) {
    super(`Settlement incomplete: ${undone}`, options);
  }
}

export interface DurableSettlementPorts {
  /** Runs the settlement script (./settlement.ts `settle` over the request's script client). */
  settle: (settlement: Settlement) => Promise<void>;
  /** Writes usage records straight to Postgres, idempotently. */
  writeUsage: (records: readonly QueuedUsage[]) => Promise<void>;
  /** Reports to the error tracker (ids only). */
  report: (error: SettlementIncompleteError) => void;
  /** Logs one JSON line (ids and event names only). */
  log: (line: Record<string, unknown>) => void;
  sleep?: (milliseconds: number) => Promise<void>;
}

const defaultSleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** Settles `settlement` through the steps above; never throws. */
export function settleDurably(ports: DurableSettlementPorts, settlement: Settlement): Promise<SettlementOutcome> {
  const { usage, ...rest } = settlement;
  return settleBatchDurably(ports, {
    id: settlement.requestId,
    usage: usage ? [usage] : [],
    // A usage record already written to Postgres is not queued a second time (it would be a no-op there anyway).
    apply: (withUsage) => ports.settle(withUsage && usage ? { ...rest, usage } : rest),
  });
}

/** A batch to settle: `apply` runs it in Upstash (idempotently), with or without its usage records. */
export interface DurableBatch {
  /** Ids only: a request id, or a lease flush (`<lease>:<n>`). */
  id: string;
  usage: readonly QueuedUsage[];
  apply: (withUsage: boolean) => Promise<unknown>;
}

/** The steps above for a batch (a lease flush, edge-lease.ts, or one request); never throws. */
export async function settleBatchDurably(
  ports: DurableSettlementPorts,
  batch: DurableBatch,
): Promise<SettlementOutcome> {
  const sleep = ports.sleep ?? defaultSleep;
  const requestId = batch.id;
  let lastError: unknown;
  let billed = batch.usage.length === 0;
  const trySettle = async (): Promise<boolean> => {
    try {
      await batch.apply(!billed);
      return true;
    } catch (error) {
      lastError = error;
      return false;
    }
  };
  const tryWrite = async (): Promise<void> => {
    if (billed) return;
    try {
      await ports.writeUsage(batch.usage);
      billed = true;
      ports.log({ event: "usage-written-directly", requestId });
    } catch (error) {
      lastError = error;
      ports.log({ event: "usage-direct-write-failed", requestId, error: errorName(error) });
    }
  };

  if (await trySettle()) return "settled";
  ports.log({ event: "settlement-failed", requestId, error: errorName(lastError) });
  await tryWrite();
  for (const delay of LATER_SETTLEMENT_DELAYS_MS) {
    await sleep(delay);
    if (await trySettle()) {
      ports.log({ event: "settlement-recovered", requestId });
      return "settled";
    }
    await tryWrite();
  }
  const undone = billed ? "slots-and-reservation" : "usage-record";
  ports.log({ event: billed ? "settlement-abandoned" : "usage-lost", requestId, error: errorName(lastError) });
  ports.report(new SettlementIncompleteError(undone, { cause: lastError }));
  return billed ? "usage-written" : "usage-lost";
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "unknown";
}

/** `settle` bound to a script client, for the ports. */
export const settleWith = (redis: Parameters<typeof settle>[0]) => (settlement: Settlement) =>
  settle(redis, settlement);
