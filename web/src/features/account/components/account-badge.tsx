import { useEffect, useState } from "react";
import { createApiClient } from "../../../lib/api-client";
import type { Account } from "../../../lib/api-types";
import { env } from "../../../config/env";
import { createDevSession } from "../../../lib/dev-session";

// Until the Clerk sign-in screens land: without a Clerk publishable key (local development), the seeded local user
// is signed in through the worker's development-only route; with one, this shows "Not signed in".
const session = env.clerkPublishableKey ? null : createDevSession({ baseUrl: env.apiUrl });
const client = createApiClient({ baseUrl: env.apiUrl, getToken: () => session?.getToken() ?? null });

export function AccountBadge() {
  const [account, setAccount] = useState<Account | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let active = true;
    client.getAccount().then(
      (value) => active && setAccount(value),
      () => active && setFailed(true),
    );
    return () => {
      active = false;
    };
  }, []);
  if (account) return <span className="account-badge">{account.name ?? account.email ?? "Signed in"}</span>;
  return <span className="account-badge">{failed ? "Not signed in" : "…"}</span>;
}
