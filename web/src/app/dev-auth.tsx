import { useMemo, useRef, useState, type ReactNode } from "react";
import { env } from "../config/env";
import { createDevSession, type DevSession } from "../lib/dev-session";
import type { SignedOutReason } from "../lib/auth";
import type { AuthAdapter } from "./auth-adapter";

// The local sign-in (no Clerk publishable key): the worker's development-only route signs in the seeded user. The
// choice to be signed in is remembered in this browser until sign-out; the token itself lives only in memory.
const SIGNED_IN_KEY = "omnizen.dev.signed-in";

function remembered(): boolean {
  try {
    return globalThis.localStorage?.getItem(SIGNED_IN_KEY) === "1";
  } catch {
    return false;
  }
}

function remember(signedIn: boolean): void {
  try {
    if (signedIn) globalThis.localStorage?.setItem(SIGNED_IN_KEY, "1");
    else globalThis.localStorage?.removeItem(SIGNED_IN_KEY);
  } catch {
    // Not remembered: the next visit starts signed out.
  }
}

export function DevAuth({ children }: { children: (auth: AuthAdapter) => ReactNode }) {
  const [session, setSession] = useState<DevSession | null>(() =>
    remembered() ? createDevSession({ baseUrl: env.apiUrl }) : null,
  );
  const [reason, setReason] = useState<SignedOutReason>(null);
  // The session in use right now: a retried call must see a new session before React re-renders.
  const current = useRef(session);
  const switchSession = (next: DevSession | null) => {
    current.current = next;
    setSession(next);
  };

  const auth = useMemo<AuthAdapter>(
    () => ({
      status: session ? "signed-in" : "signed-out",
      signedOutReason: reason,
      getToken: async () => (current.current ? current.current.getToken() : null),
      signIn: async () => {
        const next = createDevSession({ baseUrl: env.apiUrl });
        if ((await next.getToken()) === null) throw new Error("The local sign-in failed.");
        remember(true);
        setReason(null);
        switchSession(next);
      },
      signOut: async () => {
        remember(false);
        setReason("signed-out");
        switchSession(null);
      },
      expire: () => {
        remember(false);
        setReason("expired");
        switchSession(null);
      },
      verifiesInPlace: false,
      reauthenticate: async () => {
        const next = createDevSession({ baseUrl: env.apiUrl });
        if ((await next.getToken()) === null) return false;
        switchSession(next);
        return true;
      },
    }),
    [session, reason],
  );
  return children(auth);
}
