import { createCipheriv, createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { epsHash } from "./eps-hash.ts";
import { decryptIpn, ipnKeyBytes, ipnMerchantTransactionId } from "./ipn-decrypt.ts";

describe("epsHash", () => {
  it("is base64 HMAC-SHA512 keyed with the hash key's UTF-8 text (never base64-decoded), as Node computes it", async () => {
    const hashKey = "FHZxyzeps56789gfhg678ygu876o=";
    for (const value of ["merchant@example.com", "OZ0123456789ABCDEF012345", "বাংলা-১২৩"]) {
      const expected = createHmac("sha512", Buffer.from(hashKey, "utf8")).update(value, "utf8").digest("base64");
      expect(await epsHash(value, hashKey)).toBe(expected);
    }
  });
});

function seal(plaintext: string, key: Buffer): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `${iv.toString("base64")}:${ciphertext.toString("base64")}`;
}

describe("decryptIpn", () => {
  const secret = "a-merchant-ipn-secret";
  const zeroPadded = Buffer.concat([Buffer.from(secret, "utf8"), Buffer.alloc(32 - secret.length)]);

  it("derives the key as the secret's UTF-8 bytes, zero-padded or truncated to 32 bytes", () => {
    expect(Buffer.from(ipnKeyBytes(secret)).equals(zeroPadded)).toBe(true);
    const long = "x".repeat(40);
    expect(Buffer.from(ipnKeyBytes(long)).equals(Buffer.from("x".repeat(32)))).toBe(true);
  });

  it("opens what AES-256-CBC (PKCS#7) sealed with that key and returns the JSON", async () => {
    const payload = { merchant_transaction_id: "OZ0123456789", status: "SUCCESS", amount: "600.00" };
    const opened = await decryptIpn(seal(JSON.stringify(payload), zeroPadded), secret);
    expect(opened).toEqual(payload);
    expect(ipnMerchantTransactionId(opened)).toBe("OZ0123456789");
  });

  it("returns null for another key, a malformed value or a plaintext that is not JSON", async () => {
    expect(await decryptIpn(seal('{"a":1}', randomBytes(32)), secret)).toBeNull();
    expect(await decryptIpn(seal("not json", zeroPadded), secret)).toBeNull();
    for (const malformed of ["", "abc", ":abc", "AAAA:BBBB", `${randomBytes(8).toString("base64")}:AAAA`]) {
      expect(await decryptIpn(malformed, secret)).toBeNull();
    }
  });

  it("reads the merchant transaction id under the casings seen, and nothing else", () => {
    expect(ipnMerchantTransactionId({ merchantTransactionId: " OZ1 " })).toBe("OZ1");
    expect(ipnMerchantTransactionId({ MerchantTransactionId: "OZ2" })).toBe("OZ2");
    expect(ipnMerchantTransactionId({ transaction_id: "EPS1" })).toBeNull();
    expect(ipnMerchantTransactionId(null)).toBeNull();
  });
});
