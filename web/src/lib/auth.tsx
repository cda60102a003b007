/**
 * The sign-in state the SPA runs on, whichever way the user signs in (Clerk, or the local sign-in in development).
 * app/ provides it; features read it with `useAuth()`.
 */
import { createContext, useContext, type ComponentType } from "react";

export type SignedOutReason = "expired" | "signed-out" | null;

export type AuthStatus = "loading" | "signed-in" | "signed-out";

export interface Auth {
  status: AuthStatus;
  /** The session token for the API; null when signed out. */
  getToken(): Promise<string | null>;
  /** Local sign-in (development): signs in the seeded user. Absent with Clerk, which renders `SignInForm`. */
  signIn?: () => Promise<void>;
  /** Clerk's sign-in form; receives the path to return to. */
  SignInForm?: ComponentType<{ returnTo: string }>;
  /** Signs out and clears every cached piece of data. */
  signOut(): Promise<void>;
  /** Why the user is signed out: the session expired, they signed out themselves, or never signed in (null). */
  signedOutReason: SignedOutReason;
}

const AuthContext = createContext<Auth | null>(null);
export const AuthProvider = AuthContext.Provider;

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth() outside <AuthProvider>.");
  return auth;
}
