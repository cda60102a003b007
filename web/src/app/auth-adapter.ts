import type { ApiError } from "../lib/api-error";
import type { Auth } from "../lib/auth";

/** What a sign-in method (Clerk, or the local development sign-in) gives the app. */
export interface AuthAdapter extends Omit<Auth, "signOut"> {
  signOut(): Promise<void>;
  /** The API refused the session (401): sign out locally, remembering why. */
  expire(): void;
  /**
   * Signs in again (or re-verifies in place) for a 403 `reverification_required`; resolves true when the call can be
   * retried.
   */
  reauthenticate(refusal: ApiError): Promise<boolean>;
  /** True when `reauthenticate` shows its own prompt (Clerk's verification modal): the app asks nothing first. */
  verifiesInPlace: boolean;
}
