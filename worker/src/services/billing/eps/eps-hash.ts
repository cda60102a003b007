/**
 * EPS's `x-hash` header: base64(HMAC-SHA512(key = the UTF-8 bytes of the merchant's "Hash Key" string, message = the
 * UTF-8 value)). The key is used as text, never base64-decoded, as in EPS's PHP sample
 * (`hash_hmac('sha512', $data, $key, true)`, github.com/EPS-PG/EPS_PHP) and .NET sample
 * (`Encoding.UTF8.GetBytes(hashkey)`). What is hashed: GetToken the userName; InitializeEPS and
 * CheckMerchantTransactionStatus the merchantTransactionId.
 */

const encoder = new TextEncoder();

export async function epsHash(value: string, hashKey: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(hashKey), { name: "HMAC", hash: "SHA-512" }, false, [
    "sign",
  ]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(value)));
  return btoa(String.fromCharCode(...signature));
}
