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

/** What the gateway uses of a verified session token. */
export interface SessionClaims {
  /** Clerk's user id (`user_...`; `local_dev_user` locally). */
  clerkUserId: string;
  sessionId: string | null;
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
    default:
      return "The session token is invalid.";
  }
}

/**
 * Verifies `token` and returns its claims. Throws `unauthorized_session` (401) for any bad token, and
 * `service_not_configured` (503) when the worker has no `CLERK_JWT_KEY`. Sessions Clerk marks `pending` (sign-in
 * tasks not finished) are refused, as Clerk's own `authenticateRequest` treats them as signed out.
 */
export async function verifySessionToken(token: string, config: Config): Promise<SessionClaims> {
  if (!config.CLERK_JWT_KEY) {
    throw new GatewayError("service_not_configured", "The dashboard API is not configured on this gateway (CLERK_JWT_KEY).");
  }
  let payload: Awaited<ReturnType<typeof verifyToken>>;
  try {
    payload = await verifyToken(token, { jwtKey: config.CLERK_JWT_KEY, authorizedParties: config.CLERK_AUTHORIZED_PARTIES });
  } catch (error) {
    const reason = error instanceof Error && "reason" in error ? String(error.reason) : undefined;
    throw new GatewayError("unauthorized_session", refusalMessage(reason));
  }
  if (typeof payload.sub !== "string" || payload.sub === "" || payload.sts === "pending") {
    throw new GatewayError("unauthorized_session", "The session token is invalid.");
  }
  return { clerkUserId: payload.sub, sessionId: typeof payload.sid === "string" ? payload.sid : null };
}
