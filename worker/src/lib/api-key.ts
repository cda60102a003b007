/**
 * API key format: `sk-omni-` + 40 base62 characters (~238 bits). The recognisable prefix lets secret scanners find
 * leaked keys. Only the hex SHA-256 of the whole key is stored, plus a short display prefix.
 */
import { toHex } from "./hex.ts";

export const API_KEY_PREFIX = "sk-omni-";
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BODY_LENGTH = 40;
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${BODY_LENGTH}}$`);

export function generateApiKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(BODY_LENGTH * 2));
  let body = "";
  // Rejection sampling keeps the alphabet uniform (248 = 4 * 62).
  for (const byte of bytes) {
    if (byte < 248) body += ALPHABET[byte % 62];
    if (body.length === BODY_LENGTH) break;
  }
  return body.length === BODY_LENGTH ? API_KEY_PREFIX + body : generateApiKey();
}

export function isWellFormedApiKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** `sk-omni-` plus the first 4 characters of the random part: enough to tell keys apart in a list. */
export function displayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 4);
}

export async function hashApiKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
  return toHex(digest);
}
