/**
 * Local sign-in without Clerk: mints session tokens shaped like Clerk's (RS256, `sub`, `sid`, `iss`, `azp`, `iat`,
 * `nbf`, `exp`, `fva`) with the generated private key `DEV_SIGNING_KEY`, so that `verifySessionToken` checks them
 * exactly as it
 * checks Clerk's. Only in `development` and `test`: env.ts refuses `DEV_SIGNING_KEY` in production, and
 * `isDevSignInEnabled` is false there whatever the bindings say.
 */
import type { Config } from "../../env.ts";

/** The seeded local user's Clerk id (local/seed.ts). */
export const LOCAL_DEV_CLERK_USER_ID = "local_dev_user";
/** Session tokens minted locally live this long (Clerk's own are short-lived too; the SPA asks again). */
export const DEV_SESSION_TTL_SECONDS = 600;
/** The `iss` of locally minted tokens: the expected issuer when `CLERK_ISSUER` is not set outside production. */
export const DEV_SESSION_ISSUER = "omnizen-local";
/** The `kid` header of locally minted tokens. */
export const DEV_SIGNING_KEY_ID = "omnizen-local";

export function isDevSignInEnabled(config: Config): boolean {
  return (
    (config.OMNIZEN_ENV === "development" || config.OMNIZEN_ENV === "test") && config.DEV_SIGNING_KEY !== undefined
  );
}

export interface MintedSession {
  token: string;
  expiresAt: Date;
}

export interface MintOptions {
  clerkUserId: string;
  /** The `azp` claim: the SPA origin the token is for. */
  authorizedParty: string;
  /** Negative to mint an already expired token (tests). */
  ttlSeconds?: number;
  now?: Date;
  /**
   * Tests: another issuer, no session id, or the minutes since the first factor was verified (`fva[0]`; null: no fva).
   */
  issuer?: string;
  sessionId?: string | null;
  firstFactorAgeMinutes?: number | null;
}

/** Signs a session token with `privateKeyPem` (PKCS#8 RSA); the same function signs tests' tokens. */
export async function signSessionToken(privateKeyPem: string, options: MintOptions): Promise<MintedSession> {
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const expiresAt = issuedAt + (options.ttlSeconds ?? DEV_SESSION_TTL_SECONDS);
  const sessionId =
    options.sessionId === undefined ? `sess_local_${crypto.randomUUID().replaceAll("-", "")}` : options.sessionId;
  // Signing in is the first-factor verification: a fresh local session has fva [0, -1] (no second factor).
  const firstFactorAge = options.firstFactorAgeMinutes === undefined ? 0 : options.firstFactorAgeMinutes;
  const token = await signRs256(
    {
      sub: options.clerkUserId,
      ...(sessionId !== null && { sid: sessionId }),
      iss: options.issuer ?? DEV_SESSION_ISSUER,
      azp: options.authorizedParty,
      iat: issuedAt,
      nbf: issuedAt - 5,
      exp: expiresAt,
      ...(firstFactorAge !== null && { fva: [firstFactorAge, -1] }),
    },
    privateKeyPem,
  );
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/**
 * A compact RS256 JWS with WebCrypto. Not Clerk's `signJwt`: that one always stamps `iat` with the current time,
 * and tests need tokens issued in the past.
 */
async function signRs256(payload: Record<string, unknown>, privateKeyPem: string): Promise<string> {
  const der = Uint8Array.from(atob(privateKeyPem.replace(/-----(BEGIN|END) PRIVATE KEY-----|\s/g, "")), (character) =>
    character.charCodeAt(0),
  );
  const key = await crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const encode = (bytes: Uint8Array) =>
    btoa(String.fromCharCode(...bytes))
      .replace(/=+$/, "")
      .replaceAll("+", "-")
      .replaceAll("/", "_");
  const text = (value: unknown) => encode(new TextEncoder().encode(JSON.stringify(value)));
  const signingInput = `${text({ alg: "RS256", kid: DEV_SIGNING_KEY_ID, typ: "JWT" })}.${text(payload)}`;
  const signature = new Uint8Array(
    await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, new TextEncoder().encode(signingInput)),
  );
  return `${signingInput}.${encode(signature)}`;
}
