/**
 * EPS's two pieces of cryptography, written with Node's crypto as an oracle independent of the worker's WebCrypto
 * code (worker/src/services/billing/eps/):
 * - `x-hash`: base64(HMAC-SHA512(key = UTF-8 bytes of the hash key string, message = UTF-8 string)), as the official
 *   PHP sample (`hash_hmac('sha512', $data, $key, true)`) and the .NET sample (`Encoding.UTF8.GetBytes(hashkey)`) do.
 * - the IPN body: `{ "Data": "<IV base64>:<AES-256-CBC ciphertext base64>" }`, PKCS#7 padding (https://eps.com.bd/ipn).
 *   The key derivation is UNCONFIRMED (docs/billing.md): here, as in the worker, the UTF-8 secret zero-padded or
 *   truncated to 32 bytes, the rule most public receivers use. Change `ipnKeyBytes` on both sides together.
 */
import { createCipheriv, createHmac, randomBytes } from "node:crypto";

export function epsHash(value: string, hashKey: string): string {
  return createHmac("sha512", Buffer.from(hashKey, "utf8")).update(value, "utf8").digest("base64");
}

/** UNCONFIRMED rule: the secret's UTF-8 bytes, zero-padded or truncated to 32 bytes. */
export function ipnKeyBytes(secret: string): Buffer {
  const key = Buffer.alloc(32);
  Buffer.from(secret, "utf8").copy(key, 0, 0, 32);
  return key;
}

/** The IPN's `Data` value for a JSON payload. */
export function encryptIpnPayload(payload: unknown, secret: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", ipnKeyBytes(secret), iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(payload), "utf8"), cipher.final()]);
  return `${iv.toString("base64")}:${ciphertext.toString("base64")}`;
}
