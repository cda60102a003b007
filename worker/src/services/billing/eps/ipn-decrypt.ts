/**
 * The EPS IPN body (https://eps.com.bd/ipn): `{ "Data": "<IV base64>:<ciphertext base64>" }`, AES-256-CBC with PKCS#7
 * padding under the merchant's IPN "Secret Key"; the plaintext is JSON.
 *
 * UNCONFIRMED (docs/billing.md): how the 32-byte key is derived from the secret. Public receivers disagree; this
 * follows the most common rule, the secret's UTF-8 bytes zero-padded or truncated to 32 bytes. It lives in
 * `ipnKeyBytes` alone (local/eps-sim/eps-crypto.ts mirrors it): confirm it with EPS before going live.
 */

const encoder = new TextEncoder();

/** UNCONFIRMED key derivation: UTF-8 bytes of the secret, zero-padded or truncated to 32 bytes. */
export function ipnKeyBytes(secret: string): Uint8Array {
  const key = new Uint8Array(32);
  key.set(encoder.encode(secret).subarray(0, 32));
  return key;
}

function base64Bytes(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (character) => character.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The decrypted JSON payload, or null when the body is not an IPN sealed with this secret. */
export async function decryptIpn(data: string, secret: string): Promise<unknown> {
  const separator = data.indexOf(":");
  if (separator <= 0) return null;
  const iv = base64Bytes(data.slice(0, separator));
  const ciphertext = base64Bytes(data.slice(separator + 1));
  if (!iv || iv.length !== 16 || !ciphertext || ciphertext.length === 0 || ciphertext.length % 16 !== 0) return null;
  const key = await crypto.subtle.importKey("raw", ipnKeyBytes(secret), { name: "AES-CBC" }, false, ["decrypt"]);
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-CBC", iv }, key, ciphertext);
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(plain)) as unknown;
  } catch {
    // Wrong key (bad padding), not UTF-8, or not JSON: all the same to the caller.
    return null;
  }
}

/**
 * The merchant transaction id an IPN payload names. UNCONFIRMED field names: the snake_case ones public receivers
 * read (`merchant_transaction_id`), or the camel/Pascal case of EPS's API. Nothing else in the payload is trusted:
 * the payment is verified with CheckMerchantTransactionStatus.
 */
export function ipnMerchantTransactionId(payload: unknown): string | null {
  if (typeof payload !== "object" || payload === null) return null;
  const fields = payload as Record<string, unknown>;
  for (const name of ["merchant_transaction_id", "merchantTransactionId", "MerchantTransactionId"]) {
    const value = fields[name];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return null;
}
