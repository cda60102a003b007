/**
 * The billing read API (/api/billing): the catalog, the account's status (balance, plan, low balance, current
 * subscription, auto top-up), its payments (newest first, only its own; another account's payment is a 404), and the
 * auto top-up settings (validated, each refusal naming its field). Every answer parses with the contract
 * (contracts/billing-api.ts) the SPA is typed from.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { payments, subscriptions, usageEvents, users } from "../../db/schema.ts";
import { AUTO_TOPUP, CREDIT_PACKS, LOW_BALANCE_MICRO_USD, PLAN_OFFERS } from "../src/catalog/billing-catalog.ts";
import {
  billingCatalogSchema,
  billingStatusSchema,
  paymentListSchema,
  paymentResponseSchema,
  paymentSchema,
} from "../src/contracts/billing-api.ts";
import { dashboardFetch, seedDashboardUser } from "./support/dashboard.ts";
import { withDatabase } from "./support/gateway.ts";

const DAY_MS = 86_400_000;

async function getJson(path: string, token: string): Promise<{ status: number; body: unknown }> {
  const response = await dashboardFetch(path, token);
  return { status: response.status, body: await response.json() };
}

async function insertPayment(
  userId: string,
  values: Partial<typeof payments.$inferInsert> & { createdAt: Date },
): Promise<string> {
  const [row] = await withDatabase((db) =>
    db
      .insert(payments)
      .values({
        userId,
        provider: "stripe",
        purpose: "pack",
        productId: "pack-10",
        merchantReference: `omz_${crypto.randomUUID()}`,
        amountMinor: 10_00,
        currency: "usd",
        creditMicroUsd: 10_000_000,
        ...values,
      })
      .returning({ id: payments.id }),
  );
  if (!row) throw new Error("payment insert returned nothing");
  return row.id;
}

describe("GET /api/billing/catalog", () => {
  it("serves the plans and packs in both currencies, the auto top-up bounds and the configured providers", async () => {
    const user = await seedDashboardUser();
    const { status, body } = await getJson("/api/billing/catalog", user.token);
    expect(status).toBe(200);
    const catalog = billingCatalogSchema.parse(body);
    expect(catalog.plans.map((plan) => [plan.id, plan.monthlyPriceUsdCents, plan.monthlyPriceBdtPaisa])).toEqual(
      PLAN_OFFERS.map((plan) => [plan.id, plan.monthlyPriceUsdCents, plan.monthlyPriceBdtPaisa]),
    );
    expect(catalog.plans.find((plan) => plan.id === "pro")?.limits.requestsPerMinute).toBe(300);
    expect(catalog.packs).toEqual(CREDIT_PACKS);
    expect(catalog.autoTopup.packIds).toEqual([...AUTO_TOPUP.packIds]);
    expect(catalog.lowBalanceMicroUsd).toBe(LOW_BALANCE_MICRO_USD);
    // The test stack points the worker at both simulators (local/stack.ts: EPS, and Stripe's key and API base)
    // (configured-providers.test.ts covers the other cases).
    expect(catalog.providers).toEqual({ stripe: true, eps: true });
  });

  it("needs a session, and a confirmed age (policy 7), like every /api route", async () => {
    const response = await dashboardFetch("/api/billing/catalog", null);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthorized_session");
    const young = await seedDashboardUser({ ageConfirmed: false });
    for (const path of ["/api/billing", "/api/billing/payments"]) {
      const refused = await dashboardFetch(path, young.token);
      expect(refused.status, path).toBe(403);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("age_confirmation_required");
    }
  });
});

describe("GET /api/billing", () => {
  it("shows balance, plan and default settings of a fresh account", async () => {
    const user = await seedDashboardUser({ creditMicroUsd: 7_250_000, plan: "free" });
    const { status, body } = await getJson("/api/billing", user.token);
    expect(status).toBe(200);
    expect(billingStatusSchema.parse(body)).toEqual({
      balanceMicroUsd: 7_250_000,
      plan: "free",
      lowBalance: false,
      subscription: null,
      autoTopup: { enabled: false, thresholdMicroUsd: null, packId: null, declines: 0, hasSavedCard: false },
    });
  });

  it("counts usage not yet posted against the balance, as the hot path does", async () => {
    const user = await seedDashboardUser({ creditMicroUsd: 1_200_000 });
    await withDatabase((db) =>
      db.insert(usageEvents).values({
        requestId: `req_${crypto.randomUUID()}`,
        userId: user.userId,
        model: "deepseek/deepseek-flash",
        provider: "deepseek",
        costMicroUsd: 250_000,
        priceVersion: "test",
        status: "ok",
        httpStatus: 200,
        latencyMs: 10,
      }),
    );
    const status = billingStatusSchema.parse((await getJson("/api/billing", user.token)).body);
    expect(status.balanceMicroUsd).toBe(950_000);
    expect(status.lowBalance).toBe(true);
  });

  it("flags a low balance and a saved card", async () => {
    const user = await seedDashboardUser({ creditMicroUsd: LOW_BALANCE_MICRO_USD - 1 });
    await withDatabase((db) =>
      db
        .update(users)
        .set({ stripeCustomerId: `cus_${user.userId.slice(0, 8)}` })
        .where(eq(users.id, user.userId)),
    );
    const status = billingStatusSchema.parse((await getJson("/api/billing", user.token)).body);
    expect(status.lowBalance).toBe(true);
    expect(status.autoTopup.hasSavedCard).toBe(true);
  });

  it("shows the newest subscription that is not over; an EPS period near its end is due for renewal", async () => {
    const user = await seedDashboardUser({ plan: "pro" });
    const now = Date.now();
    await withDatabase((db) =>
      db.insert(subscriptions).values([
        {
          userId: user.userId,
          plan: "team",
          provider: "stripe",
          externalId: `sub_${crypto.randomUUID()}`,
          status: "canceled",
          cancelledAt: new Date(now - 2 * DAY_MS),
          createdAt: new Date(now - DAY_MS),
        },
        {
          userId: user.userId,
          plan: "pro",
          provider: "eps",
          externalId: `omz_${crypto.randomUUID()}`,
          status: "active",
          currentPeriodEnd: new Date(now + 3 * DAY_MS),
          createdAt: new Date(now - 10 * DAY_MS),
        },
      ]),
    );
    const status = billingStatusSchema.parse((await getJson("/api/billing", user.token)).body);
    expect(status.subscription).toMatchObject({
      plan: "pro",
      provider: "eps",
      status: "active",
      cancelAtPeriodEnd: false,
      cancelledAt: null,
      renewalDue: true,
    });

    // Far from its end: no reminder yet.
    await withDatabase((db) =>
      db
        .update(subscriptions)
        .set({ currentPeriodEnd: new Date(now + 20 * DAY_MS) })
        .where(eq(subscriptions.userId, user.userId)),
    );
    const later = billingStatusSchema.parse((await getJson("/api/billing", user.token)).body);
    expect(later.subscription?.renewalDue).toBe(false);
  });
});

describe("GET /api/billing/payments", () => {
  it("lists only the account's payments, newest first, with both references and no card data", async () => {
    const user = await seedDashboardUser();
    const other = await seedDashboardUser();
    const now = Date.now();
    const oldest = await insertPayment(user.userId, { createdAt: new Date(now - 3 * DAY_MS), status: "failed" });
    const newest = await insertPayment(user.userId, {
      createdAt: new Date(now - DAY_MS),
      provider: "eps",
      productId: "pack-25",
      amountMinor: 3_000_00,
      currency: "bdt",
      creditMicroUsd: 25_000_000,
      providerReference: "EPS-TXN-123",
      status: "succeeded",
      completedAt: new Date(now - DAY_MS + 60_000),
    });
    const middle = await insertPayment(user.userId, { createdAt: new Date(now - 2 * DAY_MS) });
    const foreign = await insertPayment(other.userId, { createdAt: new Date(now) });

    const { status, body } = await getJson("/api/billing/payments", user.token);
    expect(status).toBe(200);
    const list = paymentListSchema.parse(body);
    expect(list.data.map((payment) => payment.id)).toEqual([newest, middle, oldest]);
    expect(list.data[0]).toMatchObject({
      provider: "eps",
      productId: "pack-25",
      providerReference: "EPS-TXN-123",
      amountMinor: 3_000_00,
      currency: "bdt",
      creditMicroUsd: 25_000_000,
      status: "succeeded",
    });
    expect(JSON.stringify(list)).not.toContain(foreign);
    // Exactly the contract's fields (parsing alone would drop extra ones): references and amounts, nothing else.
    const raw = (body as { data: Array<Record<string, unknown>> }).data;
    for (const payment of raw) expect(Object.keys(payment).sort()).toEqual(Object.keys(paymentSchema.shape).sort());

    const empty = paymentListSchema.parse(
      (await getJson("/api/billing/payments", (await seedDashboardUser()).token)).body,
    );
    expect(empty.data).toEqual([]);
  });

  it("reads one payment; another account's, an unknown id and a malformed id are 404s", async () => {
    const user = await seedDashboardUser();
    const other = await seedDashboardUser();
    const mine = await insertPayment(user.userId, { createdAt: new Date() });
    const theirs = await insertPayment(other.userId, { createdAt: new Date() });

    const { status, body } = await getJson(`/api/billing/payments/${mine}`, user.token);
    expect(status).toBe(200);
    expect(paymentResponseSchema.parse(body)).toMatchObject({ id: mine, status: "pending", completedAt: null });

    for (const id of [theirs, crypto.randomUUID(), "not-a-uuid"]) {
      const answer = await getJson(`/api/billing/payments/${id}`, user.token);
      expect(answer.status, id).toBe(404);
      expect(answer.body).toMatchObject({ error: { code: "not_found", type: "not_found_error" } });
      expect(JSON.stringify(answer.body)).not.toContain("pack-10");
    }
  });
});

describe("PUT /api/billing/auto-topup", () => {
  it("saves valid settings, answers the new status and restarts the decline count when turned on", async () => {
    const user = await seedDashboardUser();
    await withDatabase((db) => db.update(users).set({ autoTopupDeclines: 3 }).where(eq(users.id, user.userId)));
    const response = await dashboardFetch("/api/billing/auto-topup", user.token, {
      method: "PUT",
      body: { enabled: true, thresholdMicroUsd: 5_000_000, packId: "pack-25" },
    });
    expect(response.status).toBe(200);
    const status = billingStatusSchema.parse(await response.json());
    expect(status.autoTopup).toEqual({
      enabled: true,
      thresholdMicroUsd: 5_000_000,
      packId: "pack-25",
      declines: 0,
      hasSavedCard: false,
    });

    const off = await dashboardFetch("/api/billing/auto-topup", user.token, {
      method: "PUT",
      body: { enabled: false, thresholdMicroUsd: 5_000_000, packId: "pack-25" },
    });
    expect(billingStatusSchema.parse(await off.json()).autoTopup.enabled).toBe(false);
    const [row] = await withDatabase((db) => db.select().from(users).where(eq(users.id, user.userId)));
    expect(row).toMatchObject({
      autoTopupEnabled: false,
      autoTopupThresholdMicroUsd: 5_000_000,
      autoTopupPackId: "pack-25",
    });
  });

  it("refuses bad settings with the field named, and changes nothing", async () => {
    const user = await seedDashboardUser();
    const cases: Array<[unknown, string | null]> = [
      [
        { enabled: true, thresholdMicroUsd: AUTO_TOPUP.minThresholdMicroUsd - 1, packId: "pack-10" },
        "thresholdMicroUsd",
      ],
      [
        { enabled: true, thresholdMicroUsd: AUTO_TOPUP.maxThresholdMicroUsd + 1, packId: "pack-10" },
        "thresholdMicroUsd",
      ],
      [{ enabled: true, thresholdMicroUsd: 5_000_000, packId: "pack-5" }, "packId"],
      [{ enabled: true, thresholdMicroUsd: null, packId: "pack-10" }, "thresholdMicroUsd"],
      [{ enabled: true, thresholdMicroUsd: 5_000_000, packId: null }, "packId"],
      [{ enabled: "on", thresholdMicroUsd: 5_000_000, packId: "pack-10" }, "enabled"],
      [{ thresholdMicroUsd: 5_000_000, packId: "pack-10" }, "enabled"],
    ];
    for (const [body, param] of cases) {
      const response = await dashboardFetch("/api/billing/auto-topup", user.token, { method: "PUT", body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = ((await response.json()) as { error: { code: string; param: string | null; message: string } })
        .error;
      expect(error.code).toBe("invalid_request");
      expect(error.param).toBe(param);
      expect(error.message).toContain(param ?? "");
    }
    const notJson = await dashboardFetch("/api/billing/auto-topup", user.token, {
      method: "PUT",
      body: undefined,
      headers: { "content-type": "application/json" },
    });
    expect(notJson.status).toBe(400);
    const [row] = await withDatabase((db) => db.select().from(users).where(eq(users.id, user.userId)));
    expect(row).toMatchObject({ autoTopupEnabled: false, autoTopupThresholdMicroUsd: null, autoTopupPackId: null });
  });
});
