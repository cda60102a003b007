import { describe, expect, it } from "vitest";
import { toHex } from "./hex.ts";

describe("toHex", () => {
  it("writes every byte as two lower-case hex digits, in order", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => 255 - index);
    const expected = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    expect(toHex(bytes)).toBe(expected);
    expect(toHex(bytes.buffer)).toBe(expected);
    expect(toHex(Uint8Array.of(0, 10, 255))).toBe("000aff");
    expect(toHex(new Uint8Array(0))).toBe("");
  });
});
