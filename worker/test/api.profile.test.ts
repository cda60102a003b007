/**
 * The profile API (/api/account): read; edit the local settings (prompt cache, jurisdictions), which reach the edge
 * at once; edit the Clerk-owned fields through Clerk's Backend API (the fake in local/clerk-fake), and locally when no
 * Clerk secret is configured.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../db/schema.ts";
import { createApp } from "../src/app.ts";
import { accountSchema, updatedProfileSchema } from "../src/contracts/account-api.ts";
import { errorBodySchema } from "../src/contracts/error-api.ts";
import { createdApiKeySchema } from "../src/contracts/keys-api.ts";
import { hashApiKey } from "../src/lib/api-key.ts";
import { expectContract } from "./support/contract.ts";
import { bearer, chatBody, gatewayFetch, withDatabase } from "./support/gateway.ts";
import { clerkRequests, dashboardFetch, seedDashboardUser } from "./support/dashboard.ts";
import { testRedis } from "./support/stand-ins.ts";

const bindings = env as unknown as Record<string, string>;

async function userRow(userId: string) {
  const [row] = await withDatabase((db) => db.select().from(users).where(eq(users.id, userId)));
  if (!row) throw new Error("no such user");
  return row;
}

describe("read", () => {
  it("shows the profile: Clerk fields, plan and its limits, credit, settings, age confirmation", async () => {
    const user = await seedDashboardUser({ creditMicroUsd: 7_250_000, plan: "pro" });
    const response = await dashboardFetch("/api/account", user.token);
    expect(response.status).toBe(200);
    const raw: unknown = await response.json();
    expect(raw).not.toHaveProperty("clerkUserId");
    const profile = expectContract(accountSchema, raw);
    expect(profile).toMatchObject({
      id: user.userId,
      name: "Test User",
      email: `${user.clerkUserId}@omnizen.test`,
      phone: null,
      plan: "pro",
      planLimits: { requestsPerMinute: 300, tokensPerMinute: 2_000_000, concurrentRequests: 20 },
      balanceMicroUsd: 7_250_000,
      paymentStatus: "none",
      promptCacheEnabled: true,
      allowedJurisdictions: null,
    });
    expect(typeof profile.ageConfirmedAt).toBe("string");
  });
});

describe("local settings", () => {
  it("turns the prompt cache off and restricts jurisdictions; the account's keys see it on the next request", async () => {
    const user = await seedDashboardUser();
    const created = expectContract(
      createdApiKeySchema,
      await (await dashboardFetch("/api/keys", user.token, { method: "POST", body: { name: "k" } })).json(),
    );
    const complete = () =>
      gatewayFetch("/v1/chat/completions", { method: "POST", headers: bearer(created.secret), body: chatBody() });
    const first = await complete();
    expect(first.status).toBe(200);
    expect(first.headers.get("x-omnizen-cache")).toBe("MISS");

    const response = await dashboardFetch("/api/account", user.token, {
      method: "PATCH",
      body: { promptCacheEnabled: false, allowedJurisdictions: ["CN", "SG"] },
    });
    expect(response.status).toBe(200);
    expect(expectContract(updatedProfileSchema, await response.json())).toMatchObject({
      promptCacheEnabled: false,
      allowedJurisdictions: ["CN", "SG"],
      pendingVerification: { email: null, phone: null },
    });
    expect(await userRow(user.userId)).toMatchObject({ promptCacheEnabled: false, allowedJurisdictions: ["CN", "SG"] });
    expect(await testRedis().exists(`omz:key:${await hashApiKey(created.secret)}`)).toBe(0);

    const after = await complete();
    expect(after.status).toBe(200);
    expect(after.headers.get("x-omnizen-cache")).toBe("BYPASS");

    await dashboardFetch("/api/account", user.token, { method: "PATCH", body: { allowedJurisdictions: ["US"] } });
    const refused = await complete();
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "jurisdiction_not_allowed" } });

    // No Clerk call for local settings.
    expect(await clerkRequests(user.clerkUserId)).toEqual([]);
  });

  it("validates the body", async () => {
    const user = await seedDashboardUser();
    for (const body of [
      {},
      { promptCacheEnabled: "no" },
      { allowedJurisdictions: ["XX"] },
      { phone: "01712345678" },
      { email: "not-an-email" },
      { plan: "team" },
    ]) {
      const response = await dashboardFetch("/api/account", user.token, { method: "PATCH", body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(expectContract(errorBodySchema, await response.json())).toMatchObject({
        error: { code: "invalid_request" },
      });
    }
    expect((await userRow(user.userId)).plan).toBe("internal");
  });
});

describe("Clerk-owned fields", () => {
  it("changes the name through Clerk's Backend API and our row follows Clerk's answer", async () => {
    const user = await seedDashboardUser();
    const response = await dashboardFetch("/api/account", user.token, {
      method: "PATCH",
      body: { name: "Nusrat Jahan Chowdhury" },
    });
    expect(response.status).toBe(200);
    expect(expectContract(updatedProfileSchema, await response.json())).toMatchObject({
      name: "Nusrat Jahan Chowdhury",
    });
    const received = await clerkRequests(user.clerkUserId);
    expect(received).toEqual([
      {
        method: "PATCH",
        path: `/v1/users/${user.clerkUserId}`,
        body: expect.objectContaining({ first_name: "Nusrat Jahan", last_name: "Chowdhury" }),
      },
    ]);
    const row = await userRow(user.userId);
    expect(row.name).toBe("Nusrat Jahan Chowdhury");
    expect(row.clerkUpdatedAt).not.toBeNull();
  });

  it("adds a new email and phone to Clerk unverified; the row keeps the verified ones until Clerk reports the change", async () => {
    const user = await seedDashboardUser();
    const response = await dashboardFetch("/api/account", user.token, {
      method: "PATCH",
      body: { email: `new-${user.clerkUserId}@omnizen.test`, phone: "+8801712345678" },
    });
    expect(response.status).toBe(200);
    const body = expectContract(updatedProfileSchema, await response.json());
    expect(body.pendingVerification).toEqual({
      email: `new-${user.clerkUserId}@omnizen.test`,
      phone: "+8801712345678",
    });
    expect(body.email).toBe(`${user.clerkUserId}@omnizen.test`);
    expect(body.phone).toBeNull();
    const received = await clerkRequests(user.clerkUserId);
    expect(received).toEqual([
      {
        method: "POST",
        path: "/v1/email_addresses",
        body: expect.objectContaining({
          user_id: user.clerkUserId,
          email_address: `new-${user.clerkUserId}@omnizen.test`,
          verified: false,
          primary: false,
        }),
      },
      {
        method: "POST",
        path: "/v1/phone_numbers",
        body: expect.objectContaining({
          user_id: user.clerkUserId,
          phone_number: "+8801712345678",
          verified: false,
          primary: false,
        }),
      },
    ]);
  });

  it("reports Clerk's refusal as a 400 naming the field and Clerk's code, and changes nothing", async () => {
    const user = await seedDashboardUser();
    const response = await dashboardFetch("/api/account", user.token, {
      method: "PATCH",
      body: { email: "someone+taken@omnizen.test", name: "Not Applied", promptCacheEnabled: false },
    });
    expect(response.status).toBe(400);
    const { error } = expectContract(errorBodySchema, await response.json());
    expect(error).toMatchObject({ code: "invalid_request", param: "email" });
    expect(error.message).toContain("form_identifier_exists");
    expect(error.message).not.toContain("someone+taken");
    expect(await userRow(user.userId)).toMatchObject({ name: "Test User", promptCacheEnabled: true });
  });

  it("without a Clerk secret (local development) edits the row directly", async () => {
    const user = await seedDashboardUser();
    const { CLERK_SECRET_KEY: _secret, ...withoutClerk } = bindings;
    const app = createApp();
    const context = createExecutionContext();
    const response = await app.fetch(
      new Request("http://gateway.test/api/account", {
        method: "PATCH",
        headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "Local Name", email: "local@omnizen.test", phone: "+8801811111111" }),
      }),
      withoutClerk,
      context,
    );
    await waitOnExecutionContext(context);
    expect(response.status).toBe(200);
    expect(expectContract(updatedProfileSchema, await response.json())).toMatchObject({
      name: "Local Name",
      email: "local@omnizen.test",
      phone: "+8801811111111",
    });
    expect(await clerkRequests(user.clerkUserId)).toEqual([]);
  });
});
