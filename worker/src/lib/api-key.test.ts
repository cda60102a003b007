import { describe, expect, it } from "vitest";
import { API_KEY_PREFIX, displayPrefix, generateApiKey, hashApiKey, isWellFormedApiKey } from "./api-key.ts";

describe("API keys", () => {
  it("are sk-omni- plus 40 base62 characters, unique, and shown by a short prefix only", () => {
    const keys = new Set(Array.from({ length: 200 }, generateApiKey));
    expect(keys.size).toBe(200);
    for (const key of keys) {
      expect(key.startsWith(API_KEY_PREFIX)).toBe(true);
      expect(isWellFormedApiKey(key)).toBe(true);
      expect(displayPrefix(key)).toHaveLength(API_KEY_PREFIX.length + 4);
    }
    expect(isWellFormedApiKey("sk-omni-short")).toBe(false);
    expect(isWellFormedApiKey(`sk-other-${"a".repeat(40)}`)).toBe(false);
  });

  it("hash to hex SHA-256", async () => {
    expect(await hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
