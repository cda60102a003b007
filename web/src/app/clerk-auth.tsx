// Loaded only when VITE_CLERK_PUBLISHABLE_KEY is set (React.lazy in app/index.tsx), so the local build carries none
// of Clerk's SDK. ClerkProvider loads clerk-js and @clerk/ui from the instance's Frontend API origin, or through the
// Frontend API proxy (VITE_CLERK_PROXY_URL) when one is configured; the CSP allows exactly that origin.
// Clerk's telemetry is off: the dashboard contacts no host but its own, the API's and Clerk's Frontend API.
import { ClerkProvider, SignIn, useAuth, useReverification } from "@clerk/react";
import { useCallback, useMemo, useRef, useState, type ReactNode } from "react";
import { env } from "../config/env";
import { paths } from "../config/paths";
import type { ApiError } from "../lib/api-error";
import type { SignedOutReason } from "../lib/auth";
import { withModalDialogsLowered } from "../lib/modal-dialogs";
import type { AuthAdapter } from "./auth-adapter";

function ClerkSignIn({ returnTo }: { returnTo: string }) {
  return <SignIn routing="hash" forceRedirectUrl={returnTo} signUpForceRedirectUrl={returnTo} />;
}

function currentPage(): string {
  return `${window.location.pathname}${window.location.search}`;
}

/** Clerk's reverification hint for a first factor within 10 minutes, when our API's refusal carried none. */
const FIRST_FACTOR_HINT = {
  clerk_error: {
    type: "forbidden",
    reason: "reverification-error",
    metadata: { reverification: { level: "first_factor", afterMinutes: 10 } },
  },
};

/**
 * Re-verification in place with Clerk's `useReverification`: its fetcher answers with the hint our API sent (Clerk
 * opens its verification modal), then, once the user verified, with success; the caller retries its own call.
 * Resolves false when the user cancelled.
 */
function useVerifyInPlace(): (refusal: ApiError) => Promise<boolean> {
  const pendingHint = useRef<unknown>(null);
  const verify = useReverification(async () => {
    const hint = pendingHint.current;
    pendingHint.current = null;
    return hint ?? true;
  });
  return useCallback(
    async (refusal: ApiError) => {
      const clerkError = refusal.bodyExtras.clerk_error;
      pendingHint.current = clerkError === undefined ? FIRST_FACTOR_HINT : { clerk_error: clerkError };
      try {
        // The key or deletion dialog that made the call stays open beneath Clerk's modal.
        return (await withModalDialogsLowered(verify)) === true;
      } catch {
        return false;
      }
    },
    [verify],
  );
}

function ClerkBridge({ render }: { render: (auth: AuthAdapter) => ReactNode }) {
  const { isLoaded, isSignedIn, getToken, signOut } = useAuth();
  const [reason, setReason] = useState<SignedOutReason>(null);
  const verifyInPlace = useVerifyInPlace();
  // After a re-verification the cached token still carries the old `fva`: the next call gets a fresh one.
  const skipTokenCache = useRef(false);
  const auth = useMemo<AuthAdapter>(() => {
    const expiredSignOut = () =>
      signOut({ redirectUrl: `${paths.signIn}?returnTo=${encodeURIComponent(currentPage())}` });
    return {
      status: !isLoaded ? "loading" : isSignedIn ? "signed-in" : "signed-out",
      signedOutReason: reason,
      getToken: async () => {
        const skipCache = skipTokenCache.current;
        skipTokenCache.current = false;
        return (await getToken(skipCache ? { skipCache } : undefined)) ?? null;
      },
      SignInForm: ClerkSignIn,
      signOut: async () => {
        setReason("signed-out");
        await signOut({ redirectUrl: paths.signIn });
      },
      expire: () => {
        setReason("expired");
        void expiredSignOut();
      },
      verifiesInPlace: true,
      reauthenticate: async (refusal) => {
        const verified = await verifyInPlace(refusal);
        if (verified) skipTokenCache.current = true;
        return verified;
      },
    };
  }, [isLoaded, isSignedIn, getToken, signOut, reason, verifyInPlace]);
  return render(auth);
}

export default function ClerkAuth({ children }: { children: (auth: AuthAdapter) => ReactNode }) {
  return (
    <ClerkProvider
      publishableKey={env.clerkPublishableKey}
      {...(env.clerkProxyUrl ? { proxyUrl: env.clerkProxyUrl } : {})}
      telemetry={false}
    >
      <ClerkBridge render={children} />
    </ClerkProvider>
  );
}
