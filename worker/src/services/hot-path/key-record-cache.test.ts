import { describe, expect, it } from "vitest";
import { KeyRecordCache } from "./key-record-cache.ts";

/** A cache on a fake clock, a source whose value the test changes, and the background work it was handed. */
function setup(maxEntries = 100) {
  let clock = 1_000_000;
  let source: string | null = "v1";
  let reads = 0;
  let failing = false;
  const background: Array<Promise<unknown>> = [];
  const cache = new KeyRecordCache<string>({ freshMs: 5_000, maxStaleMs: 10_000, maxEntries, now: () => clock });
  const read = async () => {
    reads += 1;
    if (failing) throw new Error("source down");
    return source;
  };
  return {
    cache,
    get: (key = "k") => cache.get(key, read, (work) => background.push(work)),
    advance: (ms: number) => (clock += ms),
    setSource: (value: string | null) => (source = value),
    fail: (value: boolean) => (failing = value),
    reads: () => reads,
    settle: () => Promise.all(background.splice(0)),
    background: () => background.length,
  };
}

describe("KeyRecordCache (stale-while-revalidate)", () => {
  it("serves a fresh value from memory without reading the source", async () => {
    const t = setup();
    expect(await t.get()).toBe("v1");
    t.setSource("v2");
    t.advance(4_999);
    expect(await t.get()).toBe("v1");
    expect(t.reads()).toBe(1);
    expect(t.background()).toBe(0);
  });

  it("serves a stale value at once and refreshes it in the background, once per key", async () => {
    const t = setup();
    await t.get();
    t.setSource("v2");
    t.advance(5_000);
    expect(await Promise.all([t.get(), t.get()])).toEqual(["v1", "v1"]);
    expect(t.background()).toBe(1);
    await t.settle();
    expect(t.reads()).toBe(2);
    expect(await t.get()).toBe("v2");
  });

  it("never serves a value 10 s old or older: the caller waits for the source (the change bound)", async () => {
    const t = setup();
    await t.get();
    t.setSource("revoked");
    t.advance(9_999);
    expect(await t.get()).toBe("v1");
    t.advance(1);
    // The background refresh of the stale serve above was never run: the bound holds without it.
    expect(await t.get()).toBe("revoked");
  });

  it("forgets a key the source no longer has, and keeps nothing for it", async () => {
    const t = setup();
    await t.get();
    t.setSource(null);
    t.advance(10_000);
    expect(await t.get()).toBeNull();
    expect(await t.get()).toBeNull();
    expect(t.reads()).toBe(3);
  });

  it("keeps the old value while a background refresh fails, up to the bound, then reports the failure", async () => {
    const t = setup();
    await t.get();
    t.fail(true);
    t.advance(6_000);
    expect(await t.get()).toBe("v1");
    await t.settle();
    t.advance(1_000);
    expect(await t.get()).toBe("v1");
    expect(t.background()).toBe(1);
    await t.settle();
    t.advance(3_000);
    await expect(t.get()).rejects.toThrow("source down");
  });

  it("does not keep a read that started before a forget (it may predate the change)", async () => {
    const t = setup();
    let release: (value: string) => void = () => undefined;
    const slow = t.cache.get(
      "k",
      () => new Promise<string>((resolve) => (release = resolve)),
      () => undefined,
    );
    t.cache.forget("k");
    release("old");
    expect(await slow).toBe("old");
    expect(await t.get()).toBe("v1");
    expect(t.reads()).toBe(1);
  });

  it("put stores a value read elsewhere as fresh; past maxEntries the oldest key goes", async () => {
    const t = setup(2);
    t.cache.put("a", "filled");
    expect(await t.get("a")).toBe("filled");
    await t.get("b");
    await t.get("c");
    expect(t.reads()).toBe(2);
    expect(await t.get("a")).toBe("v1");
    expect(t.reads()).toBe(3);
  });
});
