import { describe, expect, it } from "vitest";
import { decryptEntry, encryptEntry } from "./entry-crypto.ts";

const apiKey = `sk-omni-${"A1b2C3d4E5".repeat(4)}`;
const context = `omz:pc:${"0123456789abcdef".repeat(4)}`;
const plaintext = new TextEncoder().encode(JSON.stringify({ text: "Grüezi 東京 🗼", n: 1 }));

const bytesOf = (text: string) => Uint8Array.from(atob(text), (character) => character.charCodeAt(0));
const textOf = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

describe("encryptEntry / decryptEntry", () => {
  it("round-trips, and the stored string does not contain the plaintext", async () => {
    const sealed = await encryptEntry(plaintext, apiKey, context);
    expect(sealed).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(atob(sealed)).not.toContain("Gr");
    expect(await decryptEntry(sealed, apiKey, context)).toEqual(plaintext);
  });

  it("is version byte 1, a 12-byte IV, the ciphertext and a 16-byte tag", async () => {
    const bytes = bytesOf(await encryptEntry(plaintext, apiKey, context));
    expect(bytes[0]).toBe(1);
    expect(bytes.byteLength).toBe(1 + 12 + plaintext.byteLength + 16);
  });

  it("round-trips an empty and a large (multi-megabyte) plaintext", async () => {
    expect(await decryptEntry(await encryptEntry(new Uint8Array(0), apiKey, context), apiKey, context)).toEqual(
      new Uint8Array(0),
    );
    const large = new Uint8Array(3 * 1024 * 1024 + 5);
    for (let offset = 0; offset < large.length; offset += 65536)
      crypto.getRandomValues(large.subarray(offset, offset + 65536));
    const decrypted = await decryptEntry(await encryptEntry(large, apiKey, context), apiKey, context);
    expect(decrypted?.byteLength).toBe(large.byteLength);
    // A loop, not toEqual: deep equality over millions of elements takes seconds.
    expect(large.every((byte, index) => decrypted?.[index] === byte)).toBe(true);
  });

  it("gives a different ciphertext each time (a random IV)", async () => {
    const first = await encryptEntry(plaintext, apiKey, context);
    const second = await encryptEntry(plaintext, apiKey, context);
    expect(first).not.toBe(second);
    expect(bytesOf(first).subarray(1, 13)).not.toEqual(bytesOf(second).subarray(1, 13));
  });

  it("returns null with another API key", async () => {
    const sealed = await encryptEntry(plaintext, apiKey, context);
    expect(await decryptEntry(sealed, `${apiKey.slice(0, -1)}X`, context)).toBeNull();
    expect(await decryptEntry(sealed, "", context)).toBeNull();
  });

  it("returns null in another context (the entry moved to another cache key)", async () => {
    const sealed = await encryptEntry(plaintext, apiKey, context);
    expect(await decryptEntry(sealed, apiKey, `${context.slice(0, -1)}0`)).toBeNull();
  });

  it("returns null when any single byte was changed", async () => {
    const bytes = bytesOf(await encryptEntry(plaintext, apiKey, context));
    for (let index = 0; index < bytes.length; index += 1) {
      const tampered = bytes.slice();
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      expect(await decryptEntry(textOf(tampered), apiKey, context)).toBeNull();
    }
  });

  it("returns null for an unknown version, a truncated entry and text that is not base64, never throwing", async () => {
    const bytes = bytesOf(await encryptEntry(plaintext, apiKey, context));
    const otherVersion = bytes.slice();
    otherVersion[0] = 2;
    expect(await decryptEntry(textOf(otherVersion), apiKey, context)).toBeNull();
    expect(await decryptEntry(textOf(bytes.subarray(0, bytes.length - 1)), apiKey, context)).toBeNull();
    expect(await decryptEntry(textOf(bytes.subarray(0, 20)), apiKey, context)).toBeNull();
    for (const garbage of ["", "not base64!", "AAAA", "A", '{"v":1}', "=".repeat(8)]) {
      expect(await decryptEntry(garbage, apiKey, context)).toBeNull();
    }
  });

  it("throws for an empty API key or context (a programmer error)", async () => {
    await expect(encryptEntry(plaintext, "", context)).rejects.toThrow(/API key/);
    await expect(encryptEntry(plaintext, apiKey, "")).rejects.toThrow(/context/);
  });
});
