import { describe, expect, it } from "vitest";
import type { QueuedUsage } from "../request-recorder.ts";
import { settleBatchDurably, SettlementIncompleteError, type DurableSettlementPorts } from "./durable-settlement.ts";

const usage = { request_id: "req-1", user_id: "u", cost_micro_usd: 42 } as unknown as QueuedUsage;

/** A lease flush with one usage record, whose Upstash call fails `failures.settle` times. */
function ports(failures: { settle: number; write: number }) {
  const calls = {
    /** Whether each try of the flush carried the usage record. */
    settle: [] as boolean[],
    write: 0,
    reports: [] as SettlementIncompleteError[],
    events: [] as unknown[],
  };
  const left = { ...failures };
  const value: DurableSettlementPorts = {
    writeUsage: async () => {
      calls.write += 1;
      if (left.write-- > 0) throw new Error("down");
    },
    report: (error) => calls.reports.push(error),
    log: (line) => calls.events.push(line.event),
    sleep: async () => undefined,
  };
  const batch = {
    id: "L1:1",
    usage: [usage],
    apply: async (withUsage: boolean) => {
      calls.settle.push(withUsage);
      if (left.settle-- > 0) throw new Error("down");
    },
  };
  return { value, calls, settle: () => settleBatchDurably(value, batch) };
}

describe("settleBatchDurably", () => {
  it("settles once when Upstash answers, without touching Postgres", async () => {
    const { settle, calls } = ports({ settle: 0, write: 0 });
    expect(await settle()).toBe("settled");
    expect([calls.settle.length, calls.write, calls.reports.length]).toEqual([1, 0, 0]);
  });

  it("writes the usage record to Postgres when the settlement fails, then settles later without queuing it again", async () => {
    const { settle, calls } = ports({ settle: 1, write: 0 });
    expect(await settle()).toBe("settled");
    expect(calls.write).toBe(1);
    expect(calls.settle).toEqual([true, false]);
    expect(calls.events).toEqual(["settlement-failed", "usage-written-directly", "settlement-recovered"]);
  });

  it("reports slots and reservation left to expire when Upstash never answers but Postgres took the record", async () => {
    const { settle, calls } = ports({ settle: 99, write: 0 });
    expect(await settle()).toBe("usage-written");
    expect(calls.write).toBe(1);
    expect(calls.reports.map((error) => error.undone)).toEqual(["slots-and-reservation"]);
  });

  it("retries the Postgres write with each later try and reports a record neither store took", async () => {
    const { settle, calls } = ports({ settle: 99, write: 99 });
    expect(await settle()).toBe("usage-lost");
    expect(calls.write).toBe(3);
    expect(calls.reports.map((error) => error.undone)).toEqual(["usage-record"]);
    expect(JSON.stringify(calls.events)).not.toContain("cost");
  });

  it("a write that fails first and works on a later try bills the request", async () => {
    const { settle, calls } = ports({ settle: 99, write: 1 });
    expect(await settle()).toBe("usage-written");
    expect(calls.write).toBe(2);
  });
});
