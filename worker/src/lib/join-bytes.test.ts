import { describe, expect, it } from "vitest";
import { joinBytes } from "./join-bytes.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("joinBytes", () => {
  it("joins the parts in order into one array, empty parts included", () => {
    const parts = [bytes("data: "), new Uint8Array(0), bytes('{"a":1}'), bytes("\n\n")];
    expect(new TextDecoder().decode(joinBytes(parts))).toBe('data: {"a":1}\n\n');
    expect(joinBytes([]).byteLength).toBe(0);
  });

  it("returns a single part as it is, without a copy", () => {
    const only = bytes("x");
    expect(joinBytes([only])).toBe(only);
  });
});
