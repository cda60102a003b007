import { describe, expect, it } from "vitest";
import { encodeOutcome, encodeResult, replySize } from "./encoding.ts";
import { normalizeReply } from "./reply.ts";

const base64 = (text: string) => Buffer.from(text).toString("base64");

describe("encodeResult with base64", () => {
  it("keeps a top-level OK plain, as text or bytes", () => {
    expect(encodeResult("OK", true)).toBe("OK");
    expect(encodeResult(Buffer.from("OK"), true)).toBe("OK");
  });

  it("encodes other strings and raw bytes", () => {
    expect(encodeResult("value", true)).toBe(base64("value"));
    expect(encodeResult("héllo ✓", true)).toBe(base64("héllo ✓"));
    expect(encodeResult(Buffer.from([0xff, 0x00, 0x80]), true)).toBe("/wCA");
    expect(encodeResult("", true)).toBe("");
  });

  it("leaves integers and nil untouched", () => {
    expect(encodeResult(42, true)).toBe(42);
    expect(encodeResult(-7, true)).toBe(-7);
    expect(encodeResult(null, true)).toBeNull();
  });

  it("encodes every string in nested arrays, OK included", () => {
    expect(encodeResult(["a", null, 3, ["OK", Buffer.from("b"), [5]]], true)).toEqual([
      base64("a"),
      null,
      3,
      [base64("OK"), base64("b"), [5]],
    ]);
  });
});

describe("encodeResult without base64", () => {
  it("returns text, decoding bytes as UTF-8", () => {
    expect(encodeResult(Buffer.from("héllo"), false)).toBe("héllo");
    expect(encodeResult(["x", Buffer.from("OK"), 1, null], false)).toEqual(["x", "OK", 1, null]);
    expect(encodeResult(Buffer.from([0xff]), false)).toBe("\uFFFD");
  });
});

describe("encodeOutcome", () => {
  it("encodes results but never error texts", () => {
    expect(encodeOutcome({ result: "v" }, true)).toEqual({ result: base64("v") });
    expect(encodeOutcome({ error: "ERR bad thing" }, true)).toEqual({ error: "ERR bad thing" });
  });
});

describe("normalizeReply", () => {
  it("flattens objects, stringifies floats and maps booleans the Lua way", () => {
    expect(normalizeReply({ f: "v", g: "w" })).toEqual(["f", "v", "g", "w"]);
    expect(normalizeReply(1.5)).toBe("1.5");
    expect(normalizeReply([true, false, undefined, 3])).toEqual([1, null, null, 3]);
    expect(normalizeReply(new Error("ERR nested"))).toBe("ERR nested");
  });
});

describe("replySize", () => {
  it("counts bytes without looking at content", () => {
    expect(replySize(["ab", Buffer.from([1, 2, 3]), 7, null])).toBe(5);
  });
});
