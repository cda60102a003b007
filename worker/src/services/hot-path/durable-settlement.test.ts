import { describe, expect, it } from "vitest";
import type { QueuedUsage } from "../request-recorder.ts";
import { settleDurably, SettlementIncompleteError, type DurableSettlementPorts } from "./durable-settlement.ts";
import type { Settlement } from "./settlement.ts";

const usage = { request_id: "req-1", user_id: "u", cost_micro_usd: 42 } as unknown as QueuedUsage;
const settlement: Settlement = {
  requestId: "req-1",
  userId: "u",
  keyId: "k",
  creditDeltaMicroUsd: 10,
  tokens: 5,
  window: 1,
  usage,
};

function ports(failures: { settle: number; write: number }) {
  const calls = {
    settle: [] as Settlement[],
    write: 0,
    reports: [] as SettlementIncompleteError[],
    events: [] as unknown[],
  };
  const left = { ...failures };
  const value: DurableSettlementPorts = {
    settle: async (given) => {
      calls.settle.push(given);
      if (left.settle-- > 0) throw new Error("down");
    },
    writeUsage: async () => {
      calls.write += 1;
      if (left.write-- > 0) throw new Error("down");
    },
    report: (error) => calls.reports.push(error),
    log: (line) => calls.events.push(line.event),
    sleep: async () => undefined,
  };
  return { value, calls };
}

describe("settleDurably", () => {
  it("settles once when Upstash answers, without touching Postgres", async () => {
    const { value, calls } = ports({ settle: 0, write: 0 });
    expect(await settleDurably(value, settlement)).toBe("settled");
    expect([calls.settle.length, calls.write, calls.reports.length]).toEqual([1, 0, 0]);
  });

  it("writes the usage record to Postgres when the settlement fails, then settles later without queuing it again", async () => {
    const { value, calls } = ports({ settle: 1, write: 0 });
    expect(await settleDurably(value, settlement)).toBe("settled");
    expect(calls.write).toBe(1);
    expect(calls.settle[0]?.usage).toBe(usage);
    expect(calls.settle[1]?.usage).toBeUndefined();
    expect(calls.events).toEqual(["settlement-failed", "usage-written-directly", "settlement-recovered"]);
  });

  it("reports slots and reservation left to expire when Upstash never answers but Postgres took the record", async () => {
    const { value, calls } = ports({ settle: 99, write: 0 });
    expect(await settleDurably(value, settlement)).toBe("usage-written");
    expect(calls.write).toBe(1);
    expect(calls.reports.map((error) => error.undone)).toEqual(["slots-and-reservation"]);
  });

  it("retries the Postgres write with each later try and reports a record neither store took", async () => {
    const { value, calls } = ports({ settle: 99, write: 99 });
    expect(await settleDurably(value, settlement)).toBe("usage-lost");
    expect(calls.write).toBe(3);
    expect(calls.reports.map((error) => error.undone)).toEqual(["usage-record"]);
    expect(JSON.stringify(calls.events)).not.toContain("cost");
  });

  it("a write that fails first and works on a later try bills the request", async () => {
    const { value, calls } = ports({ settle: 99, write: 1 });
    expect(await settleDurably(value, settlement)).toBe("usage-written");
    expect(calls.write).toBe(2);
  });
});
