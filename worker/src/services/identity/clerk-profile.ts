/**
 * Changes of the Clerk-owned profile fields through Clerk's Backend API (`@clerk/backend`, base URL `CLERK_API_URL`):
 * - name: `PATCH /v1/users/{id}` with `first_name` / `last_name` (https://clerk.com/docs/reference/backend/user/update-user);
 * - email: `POST /v1/email_addresses`, unverified and not primary (https://clerk.com/docs/reference/backend/email-addresses/create-email-address);
 * - phone: `POST /v1/phone_numbers`, likewise.
 *
 * A new email or phone is never created as verified: that would let anyone claim an address they do not own. Clerk
 * only makes a verified address primary, so it becomes the account's once the user verifies it in Clerk's UI; the
 * `user.updated` webhook then brings it into our row.
 */
import { createClerkClient, type User } from "@clerk/backend";
import { isClerkAPIResponseError } from "@clerk/backend/errors";
import { GatewayError } from "../../errors.ts";
import { joinName, splitName, type ClerkProfile } from "./clerk-user-sync.ts";

export interface ClerkProfileChanges {
  name?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
}

export interface ClerkChangeOutcome {
  /** The user as Clerk answered after a name change (null when the name did not change). */
  profile: ClerkProfile | null;
  /** Addresses added and waiting for the user to verify them in Clerk. */
  pendingVerification: { email: string | null; phone: string | null };
}

export interface ClerkApiSettings {
  secretKey: string;
  apiUrl: string;
}

function profileFromUser(user: User): ClerkProfile {
  return {
    clerkUserId: user.id,
    name: joinName(user.firstName, user.lastName),
    email: user.primaryEmailAddress?.emailAddress ?? null,
    phone: user.primaryPhoneNumber?.phoneNumber ?? null,
    updatedAt: new Date(user.updatedAt),
  };
}

/** Clerk's refusal as our error: a 4xx names Clerk's error code (never the submitted value), anything else is a 502. */
function toGatewayError(error: unknown, param: string): GatewayError {
  if (
    isClerkAPIResponseError(error) &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 401 &&
    error.status !== 403
  ) {
    const code = error.errors[0]?.code ?? "unknown";
    return new GatewayError("invalid_request", `Clerk refused the change of '${param}' (${code}).`, { param });
  }
  return new GatewayError("identity_provider_error", "Clerk could not be reached or failed; retry later.", {
    cause: error,
  });
}

async function call<T>(param: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toGatewayError(error, param);
  }
}

/** Applies the changes in Clerk: email and phone first (the likelier refusals), then the name. */
export async function changeClerkProfile(
  settings: ClerkApiSettings,
  clerkUserId: string,
  changes: ClerkProfileChanges,
): Promise<ClerkChangeOutcome> {
  const clerk = createClerkClient({
    secretKey: settings.secretKey,
    apiUrl: settings.apiUrl,
    telemetry: { disabled: true },
  });
  const outcome: ClerkChangeOutcome = { profile: null, pendingVerification: { email: null, phone: null } };
  const { email, phone, name } = changes;
  if (email !== undefined) {
    const created = await call("email", () =>
      clerk.emailAddresses.createEmailAddress({
        userId: clerkUserId,
        emailAddress: email,
        verified: false,
        primary: false,
      }),
    );
    outcome.pendingVerification.email = created.emailAddress;
  }
  if (phone !== undefined) {
    const created = await call("phone", () =>
      clerk.phoneNumbers.createPhoneNumber({
        userId: clerkUserId,
        phoneNumber: phone,
        verified: false,
        primary: false,
      }),
    );
    outcome.pendingVerification.phone = created.phoneNumber;
  }
  if (name !== undefined) {
    const user = await call("name", () => clerk.users.updateUser(clerkUserId, splitName(name)));
    outcome.profile = profileFromUser(user);
  }
  return outcome;
}
