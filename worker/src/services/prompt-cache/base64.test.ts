import { describe, expect, it } from "vitest";
import { decodeBase64, decodeWithTable, encodeBase64, encodeWithTable } from "./base64.ts";

const reference = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

// The exported pair (native where the runtime has it, as in workerd) and the table-driven fallback.
describe.each([
  ["base64", encodeBase64, decodeBase64],
  ["base64 by table", encodeWithTable, decodeWithTable],
])("%s", (_name, encodeBase64, decodeBase64) => {
  it("matches btoa for every length and byte value, and decodes back", () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, index) => (index * 97 + 13) % 256);
    for (let length = 0; length <= bytes.length; length += 1) {
      const slice = bytes.subarray(0, length);
      const text = encodeBase64(slice);
      expect(text).toBe(reference(slice));
      expect(decodeBase64(text)).toEqual(slice);
    }
  });

  it("rejects text that is not standard padded base64", () => {
    for (const text of [
      "A",
      "AB",
      "ABC",
      "AB=C",
      "A===",
      "====",
      "ABC*",
      "AB-_",
      "ABCD\n",
      " ABCD",
      "ü123",
      "AB==AB==",
    ]) {
      expect(decodeBase64(text), text).toBeNull();
    }
    expect(decodeBase64("")).toEqual(new Uint8Array(0));
  });
});
