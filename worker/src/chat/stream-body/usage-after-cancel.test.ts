import { describe, expect, it } from "vitest";
import { keepReadingForUsage, shouldWaitForUsage } from "./usage-after-cancel.ts";

const never = () => new Promise<number>(() => undefined);

describe("the rule after a client disconnect", () => {
  it("keeps reading only when the content has ended and only the usage is missing", () => {
    expect(shouldWaitForUsage({ contentEnded: true, usageKnown: false, ended: false })).toBe(true);
    expect(shouldWaitForUsage({ contentEnded: false, usageKnown: false, ended: false })).toBe(false); // mid-generation
    expect(shouldWaitForUsage({ contentEnded: true, usageKnown: true, ended: false })).toBe(false);
    expect(shouldWaitForUsage({ contentEnded: true, usageKnown: false, ended: true })).toBe(false);
  });
});

describe("keepReadingForUsage", () => {
  it("stops as soon as the usage is known", async () => {
    let reads = 0;
    await keepReadingForUsage(
      Promise.resolve(),
      async () => ++reads && 10,
      () => reads === 3,
    );
    expect(reads).toBe(3);
  });

  it("stops after the byte bound while the upstream keeps sending something else", async () => {
    let reads = 0;
    await keepReadingForUsage(
      Promise.resolve(),
      async () => ++reads && 1000,
      () => false,
      { milliseconds: 60_000, bytes: 5000 },
    );
    expect(reads).toBe(5);
  });

  it("stops after the time bound when the upstream stays silent, and when the read in flight never ends", async () => {
    const started = Date.now();
    await keepReadingForUsage(Promise.resolve(), never, () => false, { milliseconds: 50, bytes: 1000 });
    await keepReadingForUsage(
      never(),
      async () => 1,
      () => false,
      { milliseconds: 50, bytes: 1000 },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it("never throws: a failed read ends the wait", async () => {
    let reads = 0;
    await expect(
      keepReadingForUsage(
        Promise.reject(new Error("in flight failed")),
        async () => {
          reads += 1;
          throw new Error("read failed");
        },
        () => false,
      ),
    ).resolves.toBeUndefined();
    expect(reads).toBe(1);
  });
});
