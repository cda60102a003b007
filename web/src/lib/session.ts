/**
 * What the SPA does when the API refuses the session: a 401 `unauthorized_session` (expired or invalid token) signs
 * the user out and returns them to the page afterwards; a 403 `reverification_required` asks them to sign in again
 * and then retries the same call once.
 */
import type { ApiClient } from "./api-client";
import { ApiError } from "./api-error";

export function isSessionExpired(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && error.code === "unauthorized_session";
}

export function isReverificationRequired(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 403 && error.code === "reverification_required";
}

export interface SessionHandlers {
  /** The session is gone: sign out locally and go to sign-in. */
  onExpired(): void;
  /**
   * Asks the user to sign in again (or re-verify) for `refusal`; resolves true when they did (the call is then
   * retried), false otherwise.
   */
  onReverify(refusal: ApiError): Promise<boolean>;
}

/** Wraps every method of `client` with the handling above. */
export function withSessionHandling(client: ApiClient, handlers: SessionHandlers): ApiClient {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(client) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await method(...args);
      } catch (error) {
        if (isSessionExpired(error)) handlers.onExpired();
        else if (isReverificationRequired(error) && (await handlers.onReverify(error))) return method(...args);
        throw error;
      }
    };
  }
  return wrapped as unknown as ApiClient;
}

/**
 * The page to return to after signing in, from a `returnTo` query value: only a path of this SPA (never another
 * origin, never the sign-in page itself).
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if (value === "/sign-in" || value.startsWith("/sign-in?") || value.startsWith("/sign-in/")) return "/";
  return value;
}
