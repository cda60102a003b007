/**
 * The keys API (/api/keys): create (the secret shown once, only its hash stored), list, rename, limits and
 * jurisdictions, revoke, and isolation between accounts. Revocation and limit changes reach the edge at once: the
 * key's Redis record is deleted, so the next /v1 request reloads it instead of waiting out the 60 s TTL.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiKeys } from "../../db/schema.ts";
import { apiKeyListSchema, apiKeySchema, createdApiKeySchema, type CreatedApiKey } from "../src/contracts/keys-api.ts";
import { errorBodySchema } from "../src/contracts/error-api.ts";
import { hashApiKey } from "../src/lib/api-key.ts";
import { expectContract } from "./support/contract.ts";
import { bearer, chatBody, gatewayFetch, withDatabase } from "./support/gateway.ts";
import { dashboardFetch, seedDashboardUser } from "./support/dashboard.ts";
import { testRedis } from "./support/stand-ins.ts";

async function createKey(token: string, body: Record<string, unknown> = { name: "ci" }): Promise<CreatedApiKey> {
  const response = await dashboardFetch("/api/keys", token, { method: "POST", body });
  expect(response.status).toBe(201);
  return expectContract(createdApiKeySchema, await response.json());
}

/** The key list, checked against its contract. */
async function listKeys(token: string) {
  return expectContract(apiKeyListSchema, await (await dashboardFetch("/api/keys", token)).json());
}

const complete = (apiKey: string) =>
  gatewayFetch("/v1/chat/completions", {
    method: "POST",
    headers: { ...bearer(apiKey), "cache-control": "no-store" },
    body: chatBody(),
  });

describe("create and list", () => {
  it("returns the secret once and stores only its hash", async () => {
    const user = await seedDashboardUser();
    const created = await createKey(user.token, {
      name: "  production  ",
      limits: { requestsPerMinute: 60 },
      allowedJurisdictions: ["CN", "US", "CN"],
    });
    expect(created.secret).toMatch(/^sk-omni-[0-9A-Za-z]{40}$/);
    expect(created).toMatchObject({
      name: "production",
      prefix: created.secret.slice(0, 12),
      revokedAt: null,
      lastUsedAt: null,
      limits: { requestsPerMinute: 60, tokensPerMinute: null, concurrentRequests: null },
      allowedJurisdictions: ["CN", "US"],
    });

    const [row] = await withDatabase((db) => db.select().from(apiKeys).where(eq(apiKeys.id, created.id)));
    expect(row?.keyHash).toBe(await hashApiKey(created.secret));
    expect(JSON.stringify(row)).not.toContain(created.secret);

    const list = await dashboardFetch("/api/keys", user.token);
    expect(list.status).toBe(200);
    const { data } = expectContract(apiKeyListSchema, await list.json());
    expect(data.map((key) => key.id)).toEqual([created.id]);
    expect(data[0]).not.toHaveProperty("secret");
    expect(JSON.stringify(data)).not.toContain(created.secret);
    expect(JSON.stringify(data)).not.toContain(row?.keyHash);

    // The new key works on /v1 at once.
    const answer = await complete(created.secret);
    expect(answer.status).toBe(200);
  });

  it("validates the body: name, limits, jurisdictions, unknown fields", async () => {
    const user = await seedDashboardUser();
    const cases: Array<[unknown, string]> = [
      [{}, "name"],
      [{ name: "" }, "name"],
      [{ name: "x", limits: { requestsPerMinute: 0 } }, "limits.requestsPerMinute"],
      [{ name: "x", allowedJurisdictions: ["MARS"] }, "allowedJurisdictions[0]"],
      [{ name: "x", allowedJurisdictions: [] }, "allowedJurisdictions"],
      [{ name: "x", owner: "someone" }, ""],
    ];
    for (const [body, param] of cases) {
      const response = await dashboardFetch("/api/keys", user.token, { method: "POST", body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      const { error } = expectContract(errorBodySchema, await response.json());
      expect(error.code).toBe("invalid_request");
      if (param) expect(error.param).toBe(param);
    }
  });
});

describe("spend limit and expiry", () => {
  it("validates them with errors naming the field", async () => {
    const user = await seedDashboardUser();
    const past = new Date(Date.now() - 60_000).toISOString();
    const cases: Array<[unknown, string]> = [
      [{ name: "x", spendLimit: { amountMicroUsd: 0, period: "daily" } }, "spendLimit.amountMicroUsd"],
      [{ name: "x", spendLimit: { amountMicroUsd: 1.5, period: "daily" } }, "spendLimit.amountMicroUsd"],
      [{ name: "x", spendLimit: { amountMicroUsd: 2e12, period: "daily" } }, "spendLimit.amountMicroUsd"],
      [{ name: "x", spendLimit: { amountMicroUsd: 5, period: "yearly" } }, "spendLimit.period"],
      [{ name: "x", spendLimit: { amountMicroUsd: 5 } }, "spendLimit.period"],
      [{ name: "x", expiresAt: past }, "expiresAt"],
      [{ name: "x", expiresAt: "next tuesday" }, "expiresAt"],
      [{ name: "x", expiresAt: "2099-01-01T00:00:00Z" }, "expiresAt"],
    ];
    for (const [body, param] of cases) {
      const response = await dashboardFetch("/api/keys", user.token, { method: "POST", body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = ((await response.json()) as { error: { code: string; param: string | null; message: string } })
        .error;
      expect(error.code).toBe("invalid_request");
      expect(error.param, JSON.stringify(body)).toBe(param);
    }
  });

  it("sets, shows, changes and clears them; each change reaches the edge at once", async () => {
    const user = await seedDashboardUser();
    const expiresAt = new Date(Date.now() + 30 * 86_400_000);
    const created = await createKey(user.token, {
      name: "budgeted",
      spendLimit: { amountMicroUsd: 5_000_000, period: "weekly" },
      expiresAt: expiresAt.toISOString(),
    });
    expect(created).toMatchObject({
      spendLimit: { amountMicroUsd: 5_000_000, period: "weekly" },
      expiresAt: expiresAt.toISOString(),
    });
    const [row] = await withDatabase((db) => db.select().from(apiKeys).where(eq(apiKeys.id, created.id)));
    expect(row).toMatchObject({ spendLimitMicroUsd: 5_000_000, spendLimitPeriod: "weekly" });

    expect((await complete(created.secret)).status).toBe(200);
    const changed = await dashboardFetch(`/api/keys/${created.id}`, user.token, {
      method: "PATCH",
      body: { spendLimit: { amountMicroUsd: 1_000_000, period: "daily" } },
    });
    expect(await changed.json()).toMatchObject({ spendLimit: { amountMicroUsd: 1_000_000, period: "daily" } });
    expect(await testRedis().exists(`omz:key:${await hashApiKey(created.secret)}`)).toBe(0);

    const cleared = await dashboardFetch(`/api/keys/${created.id}`, user.token, {
      method: "PATCH",
      body: { spendLimit: null, expiresAt: null },
    });
    expect(await cleared.json()).toMatchObject({ name: "budgeted", spendLimit: null, expiresAt: null });
    const listed = await listKeys(user.token);
    expect(listed.data.find((key) => key.id === created.id)).toMatchObject({ spendLimit: null, expiresAt: null });
    // A key created without them has neither.
    expect(await createKey(user.token)).toMatchObject({ spendLimit: null, expiresAt: null });
  });
});

describe("change and revoke", () => {
  it("renames a key and changes its limits; the limit applies to the next request", async () => {
    const user = await seedDashboardUser();
    const key = await createKey(user.token);
    expect((await complete(key.secret)).status).toBe(200); // the edge now holds the key's record

    const renamed = await dashboardFetch(`/api/keys/${key.id}`, user.token, {
      method: "PATCH",
      body: { name: "renamed", limits: { requestsPerMinute: 1 } },
    });
    expect(renamed.status).toBe(200);
    expect(expectContract(apiKeySchema, await renamed.json())).toMatchObject({
      name: "renamed",
      limits: { requestsPerMinute: 1 },
    });
    expect(await testRedis().exists(`omz:key:${await hashApiKey(key.secret)}`)).toBe(0);

    expect((await complete(key.secret)).status).toBe(200);
    const limited = await complete(key.secret);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-ratelimit-limit-requests")).toBe("1");

    const cleared = await dashboardFetch(`/api/keys/${key.id}`, user.token, {
      method: "PATCH",
      body: { limits: { requestsPerMinute: null } },
    });
    expect(await cleared.json()).toMatchObject({ name: "renamed", limits: { requestsPerMinute: null } });
    expect((await dashboardFetch(`/api/keys/${key.id}`, user.token, { method: "PATCH", body: {} })).status).toBe(400);
  });

  it("revokes a key: the next /v1 request gets 401 at once, without waiting for the record's TTL", async () => {
    const user = await seedDashboardUser();
    const key = await createKey(user.token);
    expect((await complete(key.secret)).status).toBe(200);
    expect(await testRedis().exists(`omz:key:${await hashApiKey(key.secret)}`)).toBe(1);

    const revoked = await dashboardFetch(`/api/keys/${key.id}`, user.token, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    const view = expectContract(apiKeySchema, await revoked.json());
    expect(view.revokedAt).not.toBeNull();

    const refused = await complete(key.secret);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: "invalid_api_key" } });

    // Idempotent, listed as revoked, and no longer changeable.
    const again = expectContract(
      apiKeySchema,
      await (await dashboardFetch(`/api/keys/${key.id}`, user.token, { method: "DELETE" })).json(),
    );
    expect(again.revokedAt).toBe(view.revokedAt);
    const { data } = await listKeys(user.token);
    expect(data.find((entry) => entry.id === key.id)?.revokedAt).toBe(view.revokedAt);
    const patch = await dashboardFetch(`/api/keys/${key.id}`, user.token, { method: "PATCH", body: { name: "back" } });
    expect(patch.status).toBe(409);
    expect(await patch.json()).toMatchObject({ error: { code: "conflict" } });
  });

  it("narrows a key's jurisdictions at once", async () => {
    const user = await seedDashboardUser();
    const key = await createKey(user.token);
    expect((await complete(key.secret)).status).toBe(200); // deepseek routes to CN
    await dashboardFetch(`/api/keys/${key.id}`, user.token, {
      method: "PATCH",
      body: { allowedJurisdictions: ["US"] },
    });
    const refused = await complete(key.secret);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "jurisdiction_not_allowed" } });
  });
});

describe("isolation", () => {
  it("answers 404 for another account's key, and for ids that are not keys", async () => {
    const owner = await seedDashboardUser();
    const other = await seedDashboardUser();
    const key = await createKey(owner.token);
    for (const method of ["PATCH", "DELETE"]) {
      const response = await dashboardFetch(`/api/keys/${key.id}`, other.token, {
        method,
        ...(method === "PATCH" && { body: { name: "mine now" } }),
      });
      expect(response.status, method).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
    }
    expect((await dashboardFetch("/api/keys/not-a-uuid", other.token, { method: "DELETE" })).status).toBe(404);
    const { data } = await listKeys(other.token);
    expect(data).toEqual([]);
    // The owner's key is untouched and still works.
    expect((await complete(key.secret)).status).toBe(200);
    const [row] = await withDatabase((db) => db.select().from(apiKeys).where(eq(apiKeys.id, key.id)));
    expect(row).toMatchObject({ name: "ci", revokedAt: null });
  });
});
