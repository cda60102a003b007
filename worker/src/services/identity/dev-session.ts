/**
 * Local sign-in without Clerk: mints session tokens shaped like Clerk's (RS256, `sub`, `sid`, `azp`, `iat`, `nbf`,
 * `exp`) with the generated private key `DEV_SIGNING_KEY`, so that `verifySessionToken` checks them exactly as it
 * checks Clerk's. Only in `development` and `test`: env.ts refuses `DEV_SIGNING_KEY` in production, and
 * `isDevSignInEnabled` is false there whatever the bindings say.
 */
import { signJwt } from "@clerk/backend/jwt";
import type { Config } from "../../env.ts";

/** The seeded local user's Clerk id (local/seed.ts). */
export const LOCAL_DEV_CLERK_USER_ID = "local_dev_user";
/** Session tokens minted locally live this long (Clerk's own are short-lived too; the SPA asks again). */
export const DEV_SESSION_TTL_SECONDS = 600;
/** The `kid` header of locally minted tokens. */
export const DEV_SIGNING_KEY_ID = "omnizen-local";

export function isDevSignInEnabled(config: Config): boolean {
  return (config.OMNIZEN_ENV === "development" || config.OMNIZEN_ENV === "test") && config.DEV_SIGNING_KEY !== undefined;
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
}

/** Signs a session token with `privateKeyPem` (PKCS#8 RSA); the same function signs tests' tokens. */
export async function signSessionToken(privateKeyPem: string, options: MintOptions): Promise<MintedSession> {
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const expiresAt = issuedAt + (options.ttlSeconds ?? DEV_SESSION_TTL_SECONDS);
  const token = await signJwt(
    {
      sub: options.clerkUserId,
      sid: `sess_local_${crypto.randomUUID().replaceAll("-", "")}`,
      iss: "omnizen-local",
      azp: options.authorizedParty,
      iat: issuedAt,
      nbf: issuedAt - 5,
      exp: expiresAt,
    },
    privateKeyPem,
    { algorithm: "RS256", header: { kid: DEV_SIGNING_KEY_ID, typ: "JWT" } },
  );
  return { token, expiresAt: new Date(expiresAt * 1000) };
}
