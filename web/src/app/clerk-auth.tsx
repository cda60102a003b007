// Loaded only when VITE_CLERK_PUBLISHABLE_KEY is set (React.lazy in app/index.tsx), so the local build carries none
// of Clerk's SDK. ClerkProvider loads clerk-js and @clerk/ui from the instance's Frontend API origin, or through the
// Frontend API proxy (VITE_CLERK_PROXY_URL) when one is configured; the CSP allows exactly that origin.
// Clerk's telemetry is off: the dashboard contacts no host but its own, the API's and Clerk's Frontend API.
import { ClerkProvider, SignIn, useAuth } from "@clerk/react";
import { useMemo, useState, type ReactNode } from "react";
import { env } from "../config/env";
import { paths } from "../config/paths";
import type { SignedOutReason } from "../lib/auth";
import type { AuthAdapter } from "./auth-adapter";

function ClerkSignIn({ returnTo }: { returnTo: string }) {
  return <SignIn routing="hash" forceRedirectUrl={returnTo} signUpForceRedirectUrl={returnTo} />;
}

function currentPage(): string {
  return `${window.location.pathname}${window.location.search}`;
}

function ClerkBridge({ render }: { render: (auth: AuthAdapter) => ReactNode }) {
  const { isLoaded, isSignedIn, getToken, signOut } = useAuth();
  const [reason, setReason] = useState<SignedOutReason>(null);
  const auth = useMemo<AuthAdapter>(() => {
    const expiredSignOut = () =>
      signOut({ redirectUrl: `${paths.signIn}?returnTo=${encodeURIComponent(currentPage())}` });
    return {
      status: !isLoaded ? "loading" : isSignedIn ? "signed-in" : "signed-out",
      signedOutReason: reason,
      getToken: async () => (await getToken()) ?? null,
      SignInForm: ClerkSignIn,
      signOut: async () => {
        setReason("signed-out");
        await signOut({ redirectUrl: paths.signIn });
      },
      expire: () => {
        setReason("expired");
        void expiredSignOut();
      },
      // Clerk's session cannot be re-verified in place for our API's refusal: sign in again and come back here.
      reauthenticate: async () => {
        setReason("expired");
        await expiredSignOut();
        return false;
      },
    };
  }, [isLoaded, isSignedIn, getToken, signOut, reason]);
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
