/**
 * Settlement that never loses a bill: every lease flush (edge-lease.ts) goes through here.
 *
 * 1. The flush script (./lease-flush.ts), tried three times within about 300 ms.
 * 2. If all three fail, the usage records are written straight to Postgres with the drain's own idempotent INSERT
 *    (../usage/insert-usage-records.ts, ON CONFLICT (request_id) DO NOTHING): the requests are billed and logged
 *    even while Upstash is unreachable.
 * 3. Still inside `waitUntil`, the flush is tried again after LATER_SETTLEMENT_DELAYS_MS (and the Postgres write
 *    too, if it failed): once Upstash answers, the slots and the hold are released at once instead of after their
 *    TTLs. Usage records already in Postgres are not queued again.
 * 4. What is still undone after the last try is reported (ids only): lost usage records, or slots and a hold left
 *    to expire (SLOT_TTL_MS; the credit counter is reloaded within CREDIT_COUNTER_TTL_MS).
 */
import type { QueuedUsage } from "../request-recorder.ts";

/** Further tries of the flush after the first three failed (about 12 s in all, inside waitUntil's 30 s). */
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
  /** Writes usage records straight to Postgres, idempotently. */
  writeUsage: (records: readonly QueuedUsage[]) => Promise<void>;
  /** Reports to the error tracker (ids only). */
  report: (error: SettlementIncompleteError) => void;
  /** Logs one JSON line (ids and event names only). */
  log: (line: Record<string, unknown>) => void;
  sleep?: (milliseconds: number) => Promise<void>;
}

const defaultSleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** A batch to settle: `apply` runs it in Upstash (idempotently), with or without its usage records. */
export interface DurableBatch {
  /** Ids only: the lease flush (`<lease>:<n>`). */
  id: string;
  usage: readonly QueuedUsage[];
  apply: (withUsage: boolean) => Promise<unknown>;
}

/** Settles `batch` through the steps above; never throws. */
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
