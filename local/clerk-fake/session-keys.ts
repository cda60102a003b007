/**
 * The RSA key pair that stands in for a Clerk instance's signing key locally: the worker verifies session tokens
 * with the public PEM (`CLERK_JWT_KEY`), and the dev sign-in route and tests sign them with the private PEM
 * (`DEV_SIGNING_KEY`). 2048-bit with exponent 65537, the only shape Clerk's PEM loader accepts.
 */
import { generateKeyPairSync } from "node:crypto";

export interface SessionKeyPair {
  /** SPKI PEM (`-----BEGIN PUBLIC KEY-----`). */
  publicKeyPem: string;
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  privateKeyPem: string;
}

export function generateSessionKeyPair(): SessionKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicExponent: 0x10001,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}
