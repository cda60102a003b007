/**
 * Dashboard authentication (/api/*): Clerk session tokens verified in the worker with the PEM public key (signature,
 * expiry, azp), API keys refused there and session tokens refused on /v1, users created on first sight, the 13+ age
 * gate (policy 7), CORS, and the dev sign-in route, which cannot exist in a production configuration.
 */
import { SELF, createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../db/schema.ts";
import { createApp } from "../src/app.ts";
import { accountSchema } from "../src/contracts/account-api.ts";
import { devSignInSchema } from "../src/contracts/dev-sign-in-api.ts";
import { errorBodySchema } from "../src/contracts/error-api.ts";
import { loadConfig } from "../src/env.ts";
import { expectContract } from "./support/contract.ts";
import { bearer, chatBody, gatewayFetch, seedAccount, withDatabase } from "./support/gateway.ts";
import {
  DASHBOARD_ORIGIN,
  dashboardFetch,
  newClerkUserId,
  seedDashboardUser,
  sessionToken,
  untrustedPrivateKeyPem,
} from "./support/dashboard.ts";

const bindings = env as unknown as Record<string, string>;

async function expectUnauthorized(response: Response, message?: RegExp) {
  expect(response.status).toBe(401);
  const body = (await response.json()) as { error: { code: string; type: string; message: string } };
  expect(body.error).toMatchObject({ code: "unauthorized_session", type: "authentication_error" });
  if (message) expect(body.error.message).toMatch(message);
}

describe("session tokens", () => {
  it("accepts a valid token and answers with the caller's own profile", async () => {
    const user = await seedDashboardUser();
    const response = await dashboardFetch("/api/account", user.token);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
    expect(await response.json()).toMatchObject({ id: user.userId, email: `${user.clerkUserId}@omnizen.test` });
  });

  it("refuses an expired token", async () => {
    const user = await seedDashboardUser();
    await expectUnauthorized(
      await dashboardFetch("/api/account", await sessionToken(user.clerkUserId, { ttlSeconds: -60 })),
      /expired/,
    );
  });

  it("refuses a token issued to another origin (azp)", async () => {
    const user = await seedDashboardUser();
    const token = await sessionToken(user.clerkUserId, { authorizedParty: "https://evil.example" });
    await expectUnauthorized(await dashboardFetch("/api/account", token), /origin/);
  });

  it("refuses a token signed with another key", async () => {
    const user = await seedDashboardUser();
    const token = await sessionToken(user.clerkUserId, { privateKeyPem: await untrustedPrivateKeyPem() });
    await expectUnauthorized(await dashboardFetch("/api/account", token), /invalid/);
  });

  it("refuses a missing token, garbage, and a tampered payload", async () => {
    await expectUnauthorized(await dashboardFetch("/api/account", null), /Missing session/);
    await expectUnauthorized(await dashboardFetch("/api/account", "not-a-token"));
    const user = await seedDashboardUser();
    const [header, , signature] = user.token.split(".");
    const forged = btoa(
      JSON.stringify({ sub: "user_someone_else", azp: DASHBOARD_ORIGIN, exp: 9_999_999_999 }),
    ).replace(/=+$/, "");
    await expectUnauthorized(await dashboardFetch("/api/account", `${header}.${forged}.${signature}`));
  });

  it("refuses an API key on /api with a message that says where keys go", async () => {
    const account = await seedAccount();
    await expectUnauthorized(await dashboardFetch("/api/keys", account.apiKey), /API keys .* \/v1 only/);
  });

  it("refuses a valid session token on /v1/chat/completions", async () => {
    const user = await seedDashboardUser();
    const response = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(user.token),
      body: chatBody(),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_api_key", type: "authentication_error" } });
  });
});

describe("first sight and the age gate (policy 7)", () => {
  it("creates the user row on the first request when the webhook has not yet", async () => {
    const clerkUserId = newClerkUserId();
    const response = await dashboardFetch("/api/account", await sessionToken(clerkUserId));
    expect(response.status).toBe(200);
    const profile = (await response.json()) as {
      id: string;
      email: string | null;
      ageConfirmedAt: string | null;
      paymentStatus: string;
    };
    expect(profile).toMatchObject({ email: null, ageConfirmedAt: null, paymentStatus: "none" });
    const rows = await withDatabase((db) => db.select().from(users).where(eq(users.clerkUserId, clerkUserId)));
    expect(rows.map((row) => row.id)).toEqual([profile.id]);
    // A second request maps to the same row.
    const again = (await (await dashboardFetch("/api/account", await sessionToken(clerkUserId))).json()) as {
      id: string;
    };
    expect(again.id).toBe(profile.id);
  });

  it("answers 403 age_confirmation_required everywhere but the account until the user confirms", async () => {
    const user = await seedDashboardUser({ ageConfirmed: false });
    const refused = await dashboardFetch("/api/keys", user.token);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      error: { code: "age_confirmation_required", type: "permission_error" },
    });
    expect((await dashboardFetch("/api/keys", user.token, { method: "POST", body: { name: "x" } })).status).toBe(403);
    expect(
      (await dashboardFetch("/api/account", user.token, { method: "PATCH", body: { promptCacheEnabled: false } }))
        .status,
    ).toBe(403);
    expect((await dashboardFetch("/api/account", user.token)).status).toBe(200);

    const notTrue = await dashboardFetch("/api/account/confirm-age", user.token, {
      method: "POST",
      body: { confirmed13OrOlder: false },
    });
    expect(notTrue.status).toBe(400);
    expect(expectContract(errorBodySchema, await notTrue.json())).toMatchObject({
      error: { code: "invalid_request", param: "confirmed13OrOlder" },
    });

    const confirmed = await dashboardFetch("/api/account/confirm-age", user.token, {
      method: "POST",
      body: { confirmed13OrOlder: true },
    });
    expect(confirmed.status).toBe(200);
    const { ageConfirmedAt } = expectContract(accountSchema, await confirmed.json());
    expect(Date.parse(ageConfirmedAt ?? "")).toBeGreaterThan(Date.now() - 60_000);
    expect((await dashboardFetch("/api/keys", user.token)).status).toBe(200);
  });
});

describe("CORS", () => {
  it("answers a preflight from the SPA origin and not from others", async () => {
    const preflight = (origin: string) =>
      gatewayFetch("/api/keys", {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization,content-type",
        },
      });
    const allowed = await preflight(DASHBOARD_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(DASHBOARD_ORIGIN);
    expect(allowed.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const other = await preflight("https://evil.example");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("sets the allow-origin header on answers to the SPA", async () => {
    const user = await seedDashboardUser();
    const response = await dashboardFetch("/api/account", user.token, { headers: { origin: DASHBOARD_ORIGIN } });
    expect(response.headers.get("access-control-allow-origin")).toBe(DASHBOARD_ORIGIN);
    expect(response.headers.get("access-control-expose-headers")).toContain("x-request-id");
    // Errors too, so that the SPA can read why it was refused.
    const refused = await dashboardFetch("/api/account", null, { headers: { origin: DASHBOARD_ORIGIN } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe(DASHBOARD_ORIGIN);
  });
});

describe("dev sign-in", () => {
  it("mints a short-lived token for the local user in the test configuration", async () => {
    const response = await SELF.fetch("http://127.0.0.1:8787/api/dev/sign-in", { method: "POST" });
    expect(response.status).toBe(200);
    const body = expectContract(devSignInSchema, await response.json());
    expect(body.clerkUserId).toBe("local_dev_user");
    expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);
    const account = await dashboardFetch("/api/account", body.token);
    expect(account.status).toBe(200);
  });

  /** The test bindings with production's: no local-only settings. */
  function productionBindings(overrides: Record<string, string | undefined> = {}): Record<string, string> {
    const {
      NEON_WS_PROXY: _proxy,
      DEV_SIGNING_KEY: _key,
      SENTRY_DSN: _sentry,
      STRIPE_API_BASE: _stripeSimulator,
      ...rest
    } = bindings;
    // Production refuses plaintext endpoints (policy 4.1): give the same endpoints as https (never called here).
    const secured = Object.fromEntries(
      Object.entries(rest).map(([name, value]) => [
        name,
        typeof value === "string" ? value.replace(/^http:\/\//, "https://") : value,
      ]),
    );
    const merged: Record<string, string | undefined> = {
      ...secured,
      OMNIZEN_ENV: "production",
      // Production takes public https SPA origins only, and names the tokens' issuer.
      CLERK_AUTHORIZED_PARTIES: "https://dashboard.test",
      CLERK_ISSUER: "https://clerk.dashboard.test",
      ...overrides,
    };
    return Object.fromEntries(
      Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
  }

  it("is not mounted in a production configuration (404)", async () => {
    const app = createApp();
    const context = createExecutionContext();
    const response = await app.fetch(
      new Request("https://gateway.test/api/dev/sign-in", { method: "POST" }),
      productionBindings(),
      context,
    );
    await waitOnExecutionContext(context);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("cannot be enabled in production: the configuration with DEV_SIGNING_KEY is refused", async () => {
    const withKey = productionBindings({ DEV_SIGNING_KEY: bindings.DEV_SIGNING_KEY });
    expect(() => loadConfig(withKey)).toThrow(/DEV_SIGNING_KEY: is a local development setting/);
    const app = createApp();
    const context = createExecutionContext();
    const response = await app.fetch(
      new Request("http://gateway.test/api/dev/sign-in", { method: "POST" }),
      withKey,
      context,
    );
    await waitOnExecutionContext(context);
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).not.toContain("BEGIN PRIVATE KEY");
  });
});
