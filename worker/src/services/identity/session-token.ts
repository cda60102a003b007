/**
 * Dashboard session tokens: Clerk session JWTs, verified in the worker with the instance's PEM public key
 * (`CLERK_JWT_KEY`), so no request reaches Clerk. Signature, expiry (`exp`, `nbf`, `iat`) and the authorised party
 * (`azp`, one of `CLERK_AUTHORIZED_PARTIES`) are checked. https://clerk.com/docs/guides/sessions/manual-jwt-verification
 *
 * Locally (`npm run dev`, tests) the same code verifies tokens signed with a generated RSA key pair; see
 * dev-session.ts.
 */
import { verifyToken } from "@clerk/backend";
import type { Config } from "../../env.ts";
import { GatewayError } from "../../errors.ts";
import { DEV_SESSION_ISSUER, isDevSignInEnabled } from "./dev-session.ts";

/** A session token older than this (by `iat`) is refused, whatever its `exp`. */
export const MAX_SESSION_TOKEN_AGE_SECONDS = 600;
/** Tolerated clock difference for `iat` in the future (Clerk's verifier's default skew). */
export const SESSION_CLOCK_SKEW_SECONDS = 5;
/** Account deletion and key creation need a first factor verified within this many minutes (Clerk's "strict"). */
export const RECENT_SIGN_IN_MINUTES = 10;

/** What the gateway uses of a verified session token. */
export interface SessionClaims {
  /** Clerk's user id (`user_...`; `local_dev_user` locally). */
  clerkUserId: string;
  sessionId: string;
  /** Minutes since the first factor was verified when the token was issued (`fva[0]`); null when unknown or never. */
  firstFactorAgeMinutes: number | null;
  /** `iat`, Unix seconds. */
  issuedAt: number;
}

/** A compact JWS: three base64url segments. Used to tell a session token from an API key before verifying. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

/** Why a token was refused, from the reason Clerk's verifier reports; never quotes the token. */
function refusalMessage(reason: string | undefined): string {
  switch (reason) {
    case "token-expired":
      return "The session token has expired; get a fresh one from Clerk (getToken()) and retry.";
    case "token-not-active-yet":
    case "token-iat-in-the-future":
      return "The session token is not valid yet; check the clock of the machine that sent it.";
    case "token-invalid-authorized-parties":
      return "The session token was issued to an origin this API does not accept (azp).";
    case "token-invalid-issuer":
      return "The session token was issued by another identity provider instance (iss).";
    case "token-too-old":
      return "The session token is too old; get a fresh one from Clerk (getToken()) and retry.";
    case "token-not-a-session":
      return "The token is not a Clerk session token (it has no session id, sid).";
    default:
      return "The session token is invalid.";
  }
}

/**
 * Verifies `token` and returns its claims. Throws `unauthorized_session` (401) for any bad token, and
 * `service_not_configured` (503) when the worker has no `CLERK_JWT_KEY`. Sessions Clerk marks `pending` (sign-in
 * tasks not finished) are refused, as Clerk's own `authenticateRequest` treats them as signed out.
 */
export async function verifySessionToken(
  token: string,
  config: Config,
  now: Date = new Date(),
): Promise<SessionClaims> {
  if (!config.CLERK_JWT_KEY) {
    throw new GatewayError(
      "service_not_configured",
      "The dashboard API is not configured on this gateway (CLERK_JWT_KEY).",
    );
  }
  const issuer = expectedIssuer(config);
  if (!issuer)
    throw new GatewayError(
      "service_not_configured",
      "The dashboard API is not configured on this gateway (CLERK_ISSUER).",
    );
  let payload: Awaited<ReturnType<typeof verifyToken>>;
  try {
    payload = await verifyToken(token, {
      jwtKey: config.CLERK_JWT_KEY,
      authorizedParties: config.CLERK_AUTHORIZED_PARTIES,
    });
  } catch (error) {
    const reason = error instanceof Error && "reason" in error ? String(error.reason) : undefined;
    throw new GatewayError("unauthorized_session", refusalMessage(reason));
  }
  if (typeof payload.sub !== "string" || payload.sub === "" || payload.sts === "pending") {
    throw new GatewayError("unauthorized_session", "The session token is invalid.");
  }
  if (typeof payload.iss !== "string" || withoutTrailingSlash(payload.iss) !== withoutTrailingSlash(issuer)) {
    throw new GatewayError("unauthorized_session", refusalMessage("token-invalid-issuer"));
  }
  if (typeof payload.sid !== "string" || payload.sid === "")
    throw new GatewayError("unauthorized_session", refusalMessage("token-not-a-session"));
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (typeof payload.iat !== "number" || payload.iat > nowSeconds + SESSION_CLOCK_SKEW_SECONDS) {
    throw new GatewayError("unauthorized_session", refusalMessage("token-iat-in-the-future"));
  }
  if (nowSeconds - payload.iat > MAX_SESSION_TOKEN_AGE_SECONDS)
    throw new GatewayError("unauthorized_session", refusalMessage("token-too-old"));
  return {
    clerkUserId: payload.sub,
    sessionId: payload.sid,
    firstFactorAgeMinutes: firstFactorAge(payload.fva),
    issuedAt: payload.iat,
  };
}

/**
 * Clerk's reverification hint (`@clerk/shared` `reverificationError`, what its `useReverification` recognises with
 * `isReverificationHint`): a first factor verified within `RECENT_SIGN_IN_MINUTES`.
 * https://clerk.com/docs/guides/secure/reverification
 */
export const REVERIFICATION_HINT = {
  clerk_error: {
    type: "forbidden",
    reason: "reverification-error",
    metadata: { reverification: { level: "first_factor", afterMinutes: RECENT_SIGN_IN_MINUTES } },
  },
} as const;

/**
 * Throws 403 `reverification_required` unless the session's first factor was verified within
 * `RECENT_SIGN_IN_MINUTES` (counted from the token's `iat`, when Clerk stamped `fva`). The body is OpenAI's error with
 * Clerk's reverification hint beside it (`REVERIFICATION_HINT`): the SPA in Clerk mode re-verifies in place with
 * Clerk's modal, then retries; locally it signs in again.
 */
export function requireRecentSignIn(claims: SessionClaims, now: Date = new Date()): void {
  const age = claims.firstFactorAgeMinutes;
  const minutesSinceIssued = Math.max(0, (now.getTime() / 1000 - claims.issuedAt) / 60);
  if (age === null || age + minutesSinceIssued > RECENT_SIGN_IN_MINUTES) {
    throw new GatewayError(
      "reverification_required",
      `This action needs a recent sign-in: verify your password or sign-in factor again (within ${RECENT_SIGN_IN_MINUTES} minutes), then retry.`,
      { bodyExtras: REVERIFICATION_HINT },
    );
  }
}

/** `CLERK_ISSUER`; locally without it, the dev sign-in's own issuer. Undefined: no issuer is known (503). */
function expectedIssuer(config: Config): string | undefined {
  return config.CLERK_ISSUER ?? (isDevSignInEnabled(config) ? DEV_SESSION_ISSUER : undefined);
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

function firstFactorAge(fva: unknown): number | null {
  if (!Array.isArray(fva)) return null;
  const first: unknown = fva[0];
  return typeof first === "number" && Number.isFinite(first) && first >= 0 ? first : null;
}
