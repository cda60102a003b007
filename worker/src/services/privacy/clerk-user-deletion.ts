/**
 * Deletes a user at Clerk through the Backend API, `DELETE {CLERK_API_URL}/v1/users/{user_id}`
 * (https://clerk.com/docs/reference/backend-api/tag/users/delete/users/%7Buser_id%7D). A 404 means the user is
 * already gone (a retry after a partial failure, or deleted in Clerk first), which counts as done.
 */
import type { Config } from "../../env.ts";
import { GatewayError } from "../../errors.ts";

export interface ClerkBackendApi {
  /** e.g. `https://api.clerk.com` (no trailing slash needed). */
  apiUrl: string;
  secretKey: string;
  /** The fetch to call Clerk with (the global one in the worker). */
  fetch: typeof fetch;
}

export type ClerkDeletionOutcome = "deleted" | "already-gone";

/** Clerk's Backend API from the config, or null when no secret key is set (local development without Clerk). */
export function clerkBackendApiFromConfig(config: Config): ClerkBackendApi | null {
  if (!config.CLERK_SECRET_KEY) return null;
  return {
    apiUrl: config.CLERK_API_URL,
    secretKey: config.CLERK_SECRET_KEY,
    fetch: (input, init) => fetch(input, init),
  };
}

/** Deletes the Clerk user; throws `identity_provider_error` (502) when Clerk refuses or does not answer. */
export async function deleteClerkUser(clerk: ClerkBackendApi, clerkUserId: string): Promise<ClerkDeletionOutcome> {
  const url = `${clerk.apiUrl.replace(/\/+$/, "")}/v1/users/${encodeURIComponent(clerkUserId)}`;
  let response: Response;
  try {
    response = await clerk.fetch(url, { method: "DELETE", headers: { authorization: `Bearer ${clerk.secretKey}` } });
  } catch (error) {
    throw new GatewayError(
      "identity_provider_error",
      "The sign-in provider could not be reached to delete the account; nothing was lost, retry.",
      { cause: error },
    );
  }
  // The body is Clerk's deleted-object summary or error list; it is not needed, only drained.
  await response.body?.cancel().catch(() => undefined);
  if (response.ok) return "deleted";
  if (response.status === 404) return "already-gone";
  throw new GatewayError(
    "identity_provider_error",
    `The sign-in provider refused to delete the account (HTTP ${response.status}); retry.`,
  );
}
