/**
 * The Redis key of a prompt-cache entry: `omz:pc:` + hex HMAC-SHA256, keyed with a server secret, over the caller's
 * scope and the canonical request. Keyed, never a plain hash of the prompt: without the secret nobody can test
 * whether a guessed prompt is cached (privacy policy 4.2/6: entries are keyed by hash). HMAC: RFC 2104,
 * https://developer.mozilla.org/en-US/docs/Web/API/SubtleCrypto/sign#hmac
 */
import { toHex } from "../../lib/hex.ts";

export const CACHE_KEY_PREFIX = "omz:pc:";

/** A domain label, so this HMAC never equals one the same secret computes for another purpose. */
const KEY_LABEL = "omnizen prompt cache key v1";
/** More distinct secrets than any rotation uses: the map is cleared beyond it, so it cannot grow without bound. */
const MAX_CACHED_SECRETS = 8;

const textEncoder = new TextEncoder();
/** HMAC keys by secret: pure derived data of a server secret (the same for every request), imported once. */
const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKeyFor(secret: string): Promise<CryptoKey> {
  const cached = hmacKeys.get(secret);
  if (cached) return cached;
  if (hmacKeys.size >= MAX_CACHED_SECRETS) hmacKeys.clear();
  const imported = crypto.subtle.importKey(
    "raw",
    textEncoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  hmacKeys.set(secret, imported);
  imported.catch(() => hmacKeys.delete(secret));
  return imported;
}

/**
 * `omz:pc:` followed by 64 lowercase hex digits. Deterministic for the same inputs; a different `secret`, `scope`
 * (the caller's API key hash: entries are per key) or `canonical` (from `canonicalRequest`) gives an unrelated key.
 * The scope is length-prefixed, so no choice of scope and canonical string can collide with another pair.
 * Throws only for a programmer error: an empty secret or scope.
 */
export async function cacheKey(options: { secret: string; scope: string; canonical: string }): Promise<string> {
  if (options.secret === "") throw new Error("cacheKey: the secret must not be empty");
  if (options.scope === "") throw new Error("cacheKey: the scope must not be empty");
  const scopeLength = textEncoder.encode(options.scope).byteLength;
  const message = `${KEY_LABEL}\n${scopeLength}:${options.scope}\n${options.canonical}`;
  const signature = await crypto.subtle.sign("HMAC", await hmacKeyFor(options.secret), textEncoder.encode(message));
  return CACHE_KEY_PREFIX + toHex(signature);
}
