import { describe, expect, it } from "vitest";
import { lazyModule } from "./lazy-module.ts";

describe("lazyModule", () => {
  it("imports once, shares the import between concurrent callers, then answers from `loaded`", async () => {
    let imports = 0;
    const module = lazyModule(async () => {
      imports += 1;
      return { value: imports };
    });
    expect(module.loaded).toBeUndefined();
    const [first, second] = await Promise.all([module.load(), module.load()]);
    expect(first).toBe(second);
    expect(module.loaded).toBe(first);
    expect(await module.load()).toBe(first);
    expect(imports).toBe(1);
  });

  it("does not keep a failed import: the next load tries again", async () => {
    let attempts = 0;
    const module = lazyModule(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error("offline");
      return { attempt: attempts };
    });
    await expect(module.load()).rejects.toThrow("offline");
    expect(module.loaded).toBeUndefined();
    expect(await module.load()).toEqual({ attempt: 2 });
    expect(attempts).toBe(2);
  });
});
