/**
 * Turns the benchmark account's prompt cache off and on the way the dashboard does: `PATCH /api/account
 * {"promptCacheEnabled": false|true}` on the gateway (routes/api/profile.ts: the users row, the key records'
 * invalidation, and services/prompt-cache/account-cache-switch.ts), with a session token for the seeded local user
 * signed by the stack's DEV_SIGNING_KEY, as the local sign-in does. Then waits until a gateway answer shows the
 * switch (`x-omnizen-cache` BYPASS when off, HIT when on), since an isolate may know the old setting for a while.
 */
import { LOCAL_DEV_CLERK_USER_ID, signSessionToken } from "../../worker/src/services/identity/dev-session.ts";
import type { BenchClient } from "./http-client.ts";
import { isFailure } from "./http-client.ts";
import { chatRequest, type BenchTargets } from "./request-bodies.ts";

/** What the switch needs. */
export interface CacheSwitchContext {
  client: BenchClient;
  targets: BenchTargets;
  /** DEV_SIGNING_KEY of the stack (PKCS#8 PEM). */
  signingKeyPem: string;
  runTag: string;
  /** How long to wait for the gateway to show the switch; the key records' staleness bound is 10 s. */
  timeoutMs?: number;
}

/** Sets the account's prompt cache through the dashboard API; throws unless it answers 200 with the new setting. */
export async function setAccountPromptCache(context: CacheSwitchContext, enabled: boolean): Promise<void> {
  const { token } = await signSessionToken(context.signingKeyPem, {
    clerkUserId: LOCAL_DEV_CLERK_USER_ID,
    authorizedParty: "http://127.0.0.1",
  });
  const response = await fetch(`${context.targets.gatewayUrl}/api/account`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ promptCacheEnabled: enabled }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json().catch(() => null)) as { promptCacheEnabled?: unknown } | null;
  if (!response.ok || body?.promptCacheEnabled !== enabled) {
    throw new Error(`PATCH /api/account promptCacheEnabled=${enabled} answered ${response.status}`);
  }
}

/**
 * Sends one fixed prompt (twice per try, so a store can land) until the gateway's `x-omnizen-cache` answer says
 * the cache is off (anything but HIT on the second request, BYPASS) or on (HIT). Resolves with the tries taken.
 */
export async function waitForPromptCache(context: CacheSwitchContext, enabled: boolean): Promise<number> {
  const deadline = performance.now() + (context.timeoutMs ?? 20_000);
  const promptTag = `${context.runTag} cache switch ${enabled ? "on" : "off"}`;
  for (let tries = 1; ; tries += 1) {
    let header: string | undefined;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const result = await context.client.send(
        chatRequest("gateway", { size: "small", stream: false, promptTag }, context.targets),
      );
      if (isFailure(result) || result.status !== 200) throw new Error("a request checking the cache switch failed");
      header = result.cacheHeader?.toUpperCase();
      if (attempt === 0) await new Promise((resolve) => setTimeout(resolve, 300)); // the store is in waitUntil
    }
    if (enabled ? header === "HIT" : header === "BYPASS") return tries;
    if (performance.now() > deadline) {
      throw new Error(`the gateway still answers x-omnizen-cache ${header ?? "(none)"} after the switch`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Sets the account's prompt cache and waits until the gateway shows it. */
export async function switchAccountPromptCache(context: CacheSwitchContext, enabled: boolean): Promise<number> {
  await setAccountPromptCache(context, enabled);
  return waitForPromptCache(context, enabled);
}
