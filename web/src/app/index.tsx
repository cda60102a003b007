import type { QueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { createBrowserRouter } from "react-router";
import { RouterProvider } from "react-router/dom";
import { Loading } from "../components/ui/states";
import { env } from "../config/env";
import { ReverifyDialog } from "../features/auth/components/reverify-dialog";
import { createApiClient } from "../lib/api-client";
import { ApiProvider, createQueryClient } from "../lib/api-context";
import { AuthProvider, type Auth } from "../lib/auth";
import { LocaleProvider } from "../lib/i18n";
import { withSessionHandling } from "../lib/session";
import type { AuthAdapter } from "./auth-adapter";
import { DevAuth } from "./dev-auth";
import { routes } from "./router";

// Created once, outside React, as React Router requires for data routers.
const router = createBrowserRouter(routes);

// Clerk's SDK is only downloaded when a publishable key is configured.
const ClerkAuth = lazy(() => import("./clerk-auth"));

export function App() {
  const render = (auth: AuthAdapter) => <SignedInApp adapter={auth} />;
  return (
    <LocaleProvider>
      {env.clerkPublishableKey ? (
        <Suspense fallback={<Loading />}>
          <ClerkAuth>{render}</ClerkAuth>
        </Suspense>
      ) : (
        <DevAuth>{render}</DevAuth>
      )}
    </LocaleProvider>
  );
}

/** The API client (with the session handling), the query cache, the reverification prompt and the router. */
function SignedInApp({ adapter }: { adapter: AuthAdapter }) {
  const adapterRef = useRef(adapter);
  adapterRef.current = adapter;
  const [queryClient] = useState<QueryClient>(createQueryClient);
  const [reverify, setReverify] = useState<((confirmed: boolean) => void) | null>(null);

  const client = useMemo(
    () =>
      withSessionHandling(createApiClient({ baseUrl: env.apiUrl, getToken: () => adapterRef.current.getToken() }), {
        onExpired: () => {
          if (adapterRef.current.status === "signed-in") adapterRef.current.expire();
        },
        onReverify: (refusal) => {
          // Clerk's own verification modal asks the user; the local sign-in needs our confirmation first.
          if (adapterRef.current.verifiesInPlace) return adapterRef.current.reauthenticate(refusal).catch(() => false);
          return new Promise<boolean>((resolve) => {
            setReverify(() => (confirmed: boolean) => {
              setReverify(null);
              if (!confirmed) resolve(false);
              else adapterRef.current.reauthenticate(refusal).then(resolve, () => resolve(false));
            });
          });
        },
      }),
    [],
  );

  // Signed out (by choice, expiry or account deletion): nothing cached from the account survives. The pages have
  // unmounted by then (the shell redirects first), so nothing refetches without a session.
  useEffect(() => {
    if (adapter.status === "signed-out") queryClient.clear();
  }, [adapter.status, queryClient]);

  const auth = useMemo<Auth>(
    () => ({
      status: adapter.status,
      signedOutReason: adapter.signedOutReason,
      getToken: adapter.getToken,
      signOut: adapter.signOut,
      ...(adapter.signIn ? { signIn: adapter.signIn } : {}),
      ...(adapter.SignInForm ? { SignInForm: adapter.SignInForm } : {}),
    }),
    [adapter],
  );

  return (
    <AuthProvider value={auth}>
      <ApiProvider client={client} queryClient={queryClient}>
        <RouterProvider router={router} />
        <ReverifyDialog
          open={reverify !== null}
          onConfirm={() => reverify?.(true)}
          onCancel={() => reverify?.(false)}
        />
      </ApiProvider>
    </AuthProvider>
  );
}
