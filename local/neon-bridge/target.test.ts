import { describe, expect, it } from "vitest";
import { checkLoopbackTarget } from "./target.ts";

describe("checkLoopbackTarget", () => {
  it("allows loopback literals and localhost", () => {
    expect(checkLoopbackTarget("127.0.0.1:5432")).toEqual({ allowed: true, target: { host: "127.0.0.1", port: 5432 } });
    expect(checkLoopbackTarget("127.9.8.7:1")).toMatchObject({ allowed: true });
    expect(checkLoopbackTarget("localhost:5432")).toMatchObject({ allowed: true, target: { host: "localhost" } });
    expect(checkLoopbackTarget("[::1]:5432")).toEqual({ allowed: true, target: { host: "::1", port: 5432 } });
    expect(checkLoopbackTarget("::1:5432")).toEqual({ allowed: true, target: { host: "::1", port: 5432 } });
    expect(checkLoopbackTarget("[::ffff:127.0.0.1]:5432")).toMatchObject({ allowed: true });
  });

  it("refuses everything else", () => {
    for (const address of [
      null,
      "",
      "5432",
      "10.0.0.1:5432",
      "128.0.0.1:5432",
      "localhost.evil.com:5432",
      "[::2]:5432",
      "[::ffff:10.0.0.1]:5432",
      "127.0.0.1:0",
      "127.0.0.1:65536",
      "127.0.0.1:54x",
      "0.0.0.0:5432",
    ]) {
      expect(checkLoopbackTarget(address)).toMatchObject({ allowed: false });
    }
  });
});
