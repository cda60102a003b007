import { describe, expect, it } from "vitest";
import { ScriptLocks, type LockRequest } from "./script-locks.ts";

/** Starts `request` on `locks` and records when its task starts and ends; the task waits for `release`. */
function hold(locks: ScriptLocks, request: LockRequest, events: string[], name: string) {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const done = locks.run(request, async () => {
    events.push(`${name} start`);
    await released;
    events.push(`${name} end`);
  });
  return { release, done };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("ScriptLocks", () => {
  it("runs scripts on disjoint keys together and makes the same key wait", async () => {
    const locks = new ScriptLocks();
    const events: string[] = [];
    const a = hold(locks, { kind: "keys", keys: ["a"], shared: false }, events, "a");
    const b = hold(locks, { kind: "keys", keys: ["b"], shared: false }, events, "b");
    const a2 = hold(locks, { kind: "keys", keys: ["a", "c"], shared: false }, events, "a2");
    await tick();
    expect(events).toEqual(["a start", "b start"]);
    a.release();
    await a.done;
    await tick();
    expect(events).toEqual(["a start", "b start", "a end", "a2 start"]);
    b.release();
    a2.release();
    await Promise.all([b.done, a2.done]);
    expect(locks.peakConcurrentScripts).toBe(2);
  });

  it("lets shared (read-only) locks on one key overlap", async () => {
    const locks = new ScriptLocks();
    const events: string[] = [];
    const first = hold(locks, { kind: "keys", keys: ["k"], shared: true }, events, "r1");
    const second = hold(locks, { kind: "keys", keys: ["k"], shared: true }, events, "r2");
    await tick();
    expect(events).toEqual(["r1 start", "r2 start"]);
    first.release();
    second.release();
    await Promise.all([first.done, second.done]);
  });

  it("runs a global script alone and first come, first served: later work queues behind it", async () => {
    const locks = new ScriptLocks();
    const events: string[] = [];
    const keyed = hold(locks, { kind: "keys", keys: ["a"], shared: false }, events, "keyed");
    const global = hold(locks, { kind: "global" }, events, "global");
    const plain = hold(locks, { kind: "none" }, events, "plain");
    const other = hold(locks, { kind: "keys", keys: ["z"], shared: false }, events, "other");
    await tick();
    expect(events).toEqual(["keyed start"]);
    keyed.release();
    await keyed.done;
    await tick();
    expect(events).toEqual(["keyed start", "keyed end", "global start"]);
    global.release();
    await global.done;
    await tick();
    expect(events.slice(4).sort()).toEqual(["other start", "plain start"]);
    plain.release();
    other.release();
    await Promise.all([plain.done, other.done]);
  });

  it("releases the locks when the task fails", async () => {
    const locks = new ScriptLocks();
    await expect(locks.run({ kind: "global" }, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await locks.run({ kind: "global" }, () => Promise.resolve(7))).toBe(7);
  });

  it("records who waited on what, and the peak per script label", async () => {
    const locks = new ScriptLocks();
    const events: string[] = [];
    const request = (keys: string[], label: string): LockRequest => ({ kind: "keys", keys, shared: false, label });
    // Two accounts' settlements on one shared queue key wait on it alone; on their own queue keys they overlap.
    const a = hold(locks, request(["cc:a", "queue"], "settle"), events, "a");
    const b = hold(locks, request(["cc:b", "queue"], "settle"), events, "b");
    const a2 = hold(locks, request(["cc:a", "queue:1"], "settle"), events, "a2");
    const c = hold(locks, request(["cc:c", "queue:2"], "settle"), events, "c");
    await tick();
    expect(events).toEqual(["a start", "c start"]);
    expect(locks.scriptsThatWaited).toBe(2);
    expect(Object.fromEntries(locks.waitsByConflict)).toEqual({ queue: 1, "cc:a": 1 });
    expect(locks.peakByLabel.get("settle")).toBe(2);
    a.release();
    await a.done;
    await tick();
    // b and a2 start once a is done, beside c.
    expect(locks.peakByLabel.get("settle")).toBe(3);
    for (const held of [b, a2, c]) held.release();
    await Promise.all([b.done, a2.done, c.done]);
    const global = hold(locks, { kind: "global" }, events, "g");
    const after = hold(locks, request(["x"], "other"), events, "x");
    await tick();
    expect(locks.waitsByConflict.get("*")).toBe(1);
    global.release();
    after.release();
    await Promise.all([global.done, after.done]);
  });
});
