import { describe, expect, it } from "vitest";
import { checkJsonLimits } from "./json-limits.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const limits = { maxDepth: 3, maxEntries: 3, maxValues: 10 } as const;

describe("checkJsonLimits", () => {
  it("accepts a body within every limit", () => {
    expect(checkJsonLimits(bytes('{"a":[1,2,{"b":"c"}]}'), limits)).toBeNull();
  });

  it("counts nesting of objects and arrays, not brackets inside strings (escaped quotes included)", () => {
    expect(checkJsonLimits(bytes('[[["x"]]]'), limits)).toBeNull();
    expect(checkJsonLimits(bytes("[[[[]]]]"), limits)).toEqual({ kind: "depth", limit: 3 });
    expect(checkJsonLimits(bytes('["[[[[\\"[[[[", "\\\\"]'), limits)).toBeNull();
    expect(checkJsonLimits(bytes('["\\\\", [[[]]]]'), limits)).toEqual({ kind: "depth", limit: 3 });
  });

  it("bounds the entries of one array or object", () => {
    expect(checkJsonLimits(bytes("[1,2,3]"), limits)).toBeNull();
    expect(checkJsonLimits(bytes("[1,2,3,4]"), limits)).toEqual({ kind: "entries", limit: 3 });
    expect(checkJsonLimits(bytes('{"a":1,"b":2,"c":3,"d":4}'), limits)).toEqual({ kind: "entries", limit: 3 });
  });

  it("bounds the values (keys included) of the whole body", () => {
    expect(checkJsonLimits(bytes("[[1,2,3],[4,5,6],7]"), limits)).toBeNull();
    expect(checkJsonLimits(bytes("[[1,2,3],[4,5,6],[7]]"), limits)).toEqual({ kind: "values", limit: 10 });
    expect(checkJsonLimits(bytes('{"a":{"b":1},"c":[true]}'), { ...limits, maxValues: 6 })).toEqual({
      kind: "values",
      limit: 6,
    });
  });

  it("leaves malformed input within the limits to JSON.parse, and never throws on any bytes", () => {
    expect(checkJsonLimits(bytes('{"unterminated'), limits)).toBeNull();
    expect(checkJsonLimits(bytes("]]]]}}}}"), limits)).toBeNull();
    expect(checkJsonLimits(new Uint8Array([0xff, 0xfe, 0x5b, 0x00, 0x22]), limits)).toBeNull();
  });
});
