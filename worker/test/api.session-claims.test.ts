/**
 * Dashboard session tokens beyond signature and expiry (services/identity/session-token.ts): the issuer, the session
 * id, the token's age, a recent sign-in for account deletion and key creation, and the dev sign-in's Host check
 * against DNS rebinding.
 */
import { SELF, createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { dashboardFetch, seedDashboardUser, sessionToken } from "./support/dashboard.ts";
import { gatewayFetch } from "./support/gateway.ts";

const bindings = env as unknown as Record<string, string>;

async function expectRefused(response: Response, status: number, code: string, message: RegExp) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(message);
}

describe("session token claims", () => {
  it("refuses a token from another issuer (iss)", async () => {
    const user = await seedDashboardUser();
    const token = await sessionToken(user.clerkUserId, { issuer: "https://clerk.other-instance.example" });
    await expectRefused(
      await dashboardFetch("/api/account", token),
      401,
      "unauthorized_session",
      /another identity provider/,
    );
  });

  it("refuses a token without a session id (a JWT-template token signed with the same key)", async () => {
    const user = await seedDashboardUser();
    const token = await sessionToken(user.clerkUserId, { sessionId: null });
    await expectRefused(await dashboardFetch("/api/account", token), 401, "unauthorized_session", /session id/);
  });

  it("refuses a token issued more than 10 minutes ago even when it has not expired", async () => {
    const user = await seedDashboardUser();
    const old = await sessionToken(user.clerkUserId, { now: new Date(Date.now() - 11 * 60_000), ttlSeconds: 3600 });
    await expectRefused(await dashboardFetch("/api/account", old), 401, "unauthorized_session", /too old/);
    const recent = await sessionToken(user.clerkUserId, { now: new Date(Date.now() - 8 * 60_000), ttlSeconds: 3600 });
    expect((await dashboardFetch("/api/account", recent)).status).toBe(200);
  });

  it("refuses a token issued in the future beyond a few seconds of clock skew", async () => {
    const user = await seedDashboardUser();
    const future = await sessionToken(user.clerkUserId, { now: new Date(Date.now() + 120_000) });
    const response = await dashboardFetch("/api/account", future);
    expect(response.status).toBe(401);
  });
});

describe("recent sign-in for sensitive actions", () => {
  it("refuses key creation with a stale or unknown first-factor verification, and allows it after a fresh one", async () => {
    const user = await seedDashboardUser();
    for (const firstFactorAgeMinutes of [30, null]) {
      const token = await sessionToken(user.clerkUserId, { firstFactorAgeMinutes });
      const refused = await dashboardFetch("/api/keys", token, { method: "POST", body: { name: "ci" } });
      // OpenAI's error, and beside it the hint Clerk's useReverification acts on (@clerk/shared isReverificationHint).
      expect(await refused.clone().json()).toMatchObject({
        clerk_error: {
          type: "forbidden",
          reason: "reverification-error",
          metadata: { reverification: { level: "first_factor", afterMinutes: 10 } },
        },
      });
      await expectRefused(refused, 403, "reverification_required", /recent sign-in/);
    }
    // Reading keys needs no reverification.
    expect(
      (await dashboardFetch("/api/keys", await sessionToken(user.clerkUserId, { firstFactorAgeMinutes: 30 }))).status,
    ).toBe(200);
    const fresh = await sessionToken(user.clerkUserId, { firstFactorAgeMinutes: 2 });
    expect((await dashboardFetch("/api/keys", fresh, { method: "POST", body: { name: "ci" } })).status).toBe(201);
  });

  it("counts the time since the token was issued: fva 6 minutes in a token issued 5 minutes ago is stale", async () => {
    const user = await seedDashboardUser();
    const token = await sessionToken(user.clerkUserId, {
      firstFactorAgeMinutes: 6,
      now: new Date(Date.now() - 5 * 60_000),
    });
    await expectRefused(
      await dashboardFetch("/api/keys", token, { method: "POST", body: { name: "ci" } }),
      403,
      "reverification_required",
      /recent/,
    );
  });

  it("refuses account deletion without a recent sign-in and deletes nothing", async () => {
    const user = await seedDashboardUser();
    const stale = await sessionToken(user.clerkUserId, { firstFactorAgeMinutes: 45 });
    const confirm = `${user.clerkUserId}@omnizen.test`;
    await expectRefused(
      await dashboardFetch("/api/account", stale, { method: "DELETE", body: { confirm } }),
      403,
      "reverification_required",
      /recent/,
    );
    expect((await dashboardFetch("/api/account", user.token)).status).toBe(200);
    const deleted = await dashboardFetch("/api/account", user.token, { method: "DELETE", body: { confirm } });
    expect(deleted.status).toBe(200);
  });
});

describe("dev sign-in Host check (DNS rebinding)", () => {
  it("answers requests addressed to a loopback name", async () => {
    for (const url of ["http://127.0.0.1:8787", "http://localhost:8787", "http://[::1]:8787"]) {
      expect((await SELF.fetch(`${url}/api/dev/sign-in`, { method: "POST" })).status, url).toBe(200);
    }
  });

  it("refuses another host name in the URL or in the Host header", async () => {
    await expectRefused(await gatewayFetch("/api/dev/sign-in", { method: "POST" }), 403, "forbidden", /127\.0\.0\.1/);
    const rebound = await SELF.fetch("http://127.0.0.1:8787/api/dev/sign-in", {
      method: "POST",
      headers: { host: "evil.example:8787" },
    });
    // Either the runtime rewrote the URL from the Host header or the header check caught it: both refuse.
    expect(rebound.status).toBe(403);
    const lookalike = await SELF.fetch("http://127.0.0.1.evil.example:8787/api/dev/sign-in", { method: "POST" });
    expect(lookalike.status).toBe(403);
  });

  it("refuses another port when DEV_GATEWAY_PORT is set", async () => {
    const configured = { ...bindings, DEV_GATEWAY_PORT: "8787" };
    const call = async (url: string) => {
      const context = createExecutionContext();
      const response = await createApp().fetch(new Request(url, { method: "POST" }), configured, context);
      await waitOnExecutionContext(context);
      return response.status;
    };
    expect(await call("http://127.0.0.1:8787/api/dev/sign-in")).toBe(200);
    expect(await call("http://127.0.0.1:9999/api/dev/sign-in")).toBe(403);
  });
});
