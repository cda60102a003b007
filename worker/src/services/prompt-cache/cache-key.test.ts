import { describe, expect, it } from "vitest";
import { CACHE_KEY_PREFIX, cacheKey } from "./cache-key.ts";

const options = {
  secret: "server-secret-1",
  scope: "a".repeat(64),
  canonical: '{"request":{},"surface":"openai","version":1}',
};

/** HMAC-SHA256 computed independently of the module, over the documented message layout. */
async function referenceHmac(secret: string, message: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
  return [...signature].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

describe("cacheKey", () => {
  it("is omz:pc: followed by 64 lowercase hex digits", async () => {
    const key = await cacheKey(options);
    expect(key).toMatch(/^omz:pc:[0-9a-f]{64}$/);
    expect(key.startsWith(CACHE_KEY_PREFIX)).toBe(true);
  });

  it("is deterministic, also across concurrent first uses of a secret", async () => {
    const fresh = { ...options, secret: "a-secret-not-used-before" };
    const keys = await Promise.all([cacheKey(fresh), cacheKey(fresh), cacheKey(fresh)]);
    expect(new Set(keys).size).toBe(1);
    expect(await cacheKey(fresh)).toBe(keys[0]);
  });

  it("is the keyed HMAC of the length-prefixed scope and the canonical request, never a plain hash", async () => {
    const expected = await referenceHmac(
      options.secret,
      `omnizen prompt cache key v1\n64:${options.scope}\n${options.canonical}`,
    );
    expect(await cacheKey(options)).toBe(`omz:pc:${expected}`);
    const plain = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(options.canonical)));
    expect(await cacheKey(options)).not.toContain(
      [...plain].map((byte) => byte.toString(16).padStart(2, "0")).join(""),
    );
  });

  it("differs per secret, per scope and per canonical request", async () => {
    const key = await cacheKey(options);
    expect(await cacheKey({ ...options, secret: "server-secret-2" })).not.toBe(key);
    expect(await cacheKey({ ...options, scope: "b".repeat(64) })).not.toBe(key);
    expect(await cacheKey({ ...options, canonical: options.canonical.replace("openai", "anthropic") })).not.toBe(key);
  });

  it("cannot be made to collide by moving text between the scope and the canonical request", async () => {
    const first = await cacheKey({ ...options, scope: "key", canonical: "\nrest" });
    const second = await cacheKey({ ...options, scope: "key\n", canonical: "rest" });
    expect(first).not.toBe(second);
  });

  it("throws for an empty secret or scope (a programmer error)", async () => {
    await expect(cacheKey({ ...options, secret: "" })).rejects.toThrow(/secret/);
    await expect(cacheKey({ ...options, scope: "" })).rejects.toThrow(/scope/);
  });
});
