import { describe, expect, it } from "vitest";
import { normalizeOptionCase } from "./embedded-options.ts";

describe("normalizeOptionCase", () => {
  it("upper-cases option keywords but not the values around them", () => {
    expect(normalizeOptionCase(["set", "nx", "ex", "nx", "ex", "10"])).toEqual(["set", "nx", "ex", "NX", "EX", "10"]);
    expect(normalizeOptionCase(["scan", "0", "match", "count*", "count", "10"])).toEqual([
      "scan",
      "0",
      "MATCH",
      "count*",
      "COUNT",
      "10",
    ]);
    expect(normalizeOptionCase(["zadd", "k", "nx", "ch", "1", "gt"])).toEqual(["zadd", "k", "NX", "CH", "1", "gt"]);
    expect(normalizeOptionCase(["zrange", "k", "0", "-1", "withscores"])).toEqual([
      "zrange",
      "k",
      "0",
      "-1",
      "WITHSCORES",
    ]);
    expect(normalizeOptionCase(["get", "nx"])).toEqual(["get", "nx"]);
  });
});
