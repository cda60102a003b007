/**
 * EPS checkout against the simulator (local/eps-sim): the order, InitializeEPS with its x-hash and token, the payment
 * page, the return URL, the IPN, and the grant after server-side verification; the token cache and its refresh
 * after a 401.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { payments } from "../../db/schema.ts";
import { CREDIT_PACKS } from "../src/catalog/billing-catalog.ts";
import { DASHBOARD_ORIGIN, dashboardFetch, seedDashboardUser } from "./support/dashboard.ts";
import {
  account,
  epsCheckout,
  epsSimulatorUrl,
  ledgerRows,
  paymentRow,
  payOnPage,
  postIpn,
  simIpnBody,
  simStats,
} from "./support/eps.ts";
import { withDatabase } from "./support/gateway.ts";
import { testRedis } from "./support/stand-ins.ts";

const pack = CREDIT_PACKS.find((candidate) => candidate.id === "pack-5");
if (!pack) throw new Error("pack-5 is not in the catalog");

describe("EPS checkout", () => {
  it("creates a pending order, initialises it at EPS in BDT and returns EPS's payment page", async () => {
    const user = await seedDashboardUser({ plan: "free" });
    const checkout = await epsCheckout(user, "pack", pack.id);
    expect(checkout.url.startsWith(`${epsSimulatorUrl()}/pay/`)).toBe(true);
    expect(checkout.merchantReference).toMatch(/^OZ[0-9A-F]{24}$/);
    const row = await paymentRow(checkout.paymentId);
    expect(row).toMatchObject({
      userId: user.userId,
      provider: "eps",
      purpose: "pack",
      productId: "pack-5",
      merchantReference: checkout.merchantReference,
      amountMinor: 600_00,
      currency: "bdt",
      creditMicroUsd: 5_000_000,
      status: "pending",
    });
    expect(row.providerReference).toMatch(/^EPS/);
    // The simulator accepted the hash, the token and the amount: it reports the order as initialised for 600.00 BDT.
    const order = (await (await fetch(`${epsSimulatorUrl()}/_sim/orders/${checkout.merchantReference}`)).json()) as {
      TotalAmount: string;
      Status: string;
    };
    expect(order).toMatchObject({ TotalAmount: "600.00", Status: "Initiated" });
    const page = await (await fetch(checkout.url)).text();
    for (const method of ["bkash", "nagad", "card"]) expect(page).toContain(`data-testid="eps-${method}-pay"`);
  });

  it("grants the pack's credit once EPS confirms the payment (IPN), and the return URL carries EPS's status", async () => {
    const user = await seedDashboardUser({ plan: "free", creditMicroUsd: 1_000_000 });
    await testRedis().set(`omz:credit:${user.userId}`, "1000000");
    const checkout = await epsCheckout(user, "pack", pack.id);
    const returned = await payOnPage(checkout.url, "bkash", "pay");
    expect(`${returned.origin}${returned.pathname}`).toBe(`${DASHBOARD_ORIGIN}/billing`);
    expect(Object.fromEntries(returned.searchParams)).toMatchObject({
      provider: "eps",
      payment: checkout.paymentId,
      reference: checkout.merchantReference,
      outcome: "success",
      Status: "Success",
      MerchantTransactionId: checkout.merchantReference,
    });
    const ipn = await postIpn(await simIpnBody(checkout.merchantReference));
    expect(ipn.status).toBe(200);
    expect(await ipn.json()).toEqual({ status: "OK", message: "IPN received", outcome: "granted" });

    const row = await paymentRow(checkout.paymentId);
    expect(row.status).toBe("succeeded");
    expect(row.completedAt).not.toBeNull();
    const ledger = await ledgerRows(checkout.paymentId);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ kind: "purchase", amountMicroUsd: 5_000_000, reference: `payment:${row.id}` });
    expect((await account(user.userId)).balance).toBe(6_000_000);
    // The grant dropped the hot path's counter: the next request reloads it from Postgres (docs/credit.md, "Grants").
    expect(await testRedis().get(`omz:credit:${user.userId}`)).toBeNull();
  });

  it("refuses an unknown product, the free plan and a malformed body in the API's error shape", async () => {
    const user = await seedDashboardUser({ plan: "free" });
    for (const body of [
      { kind: "pack", productId: "pack-7" },
      { kind: "plan", productId: "free" },
      { kind: "plan", productId: "internal" },
      { kind: "bundle", productId: "pack-5" },
    ]) {
      const response = await dashboardFetch("/api/billing/eps/checkout", user.token, { method: "POST", body });
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as { error: { type: string; code: string } };
      expect(error).toMatchObject({ type: "invalid_request_error", code: "invalid_request" });
    }
    const anonymous = await dashboardFetch("/api/billing/eps/checkout", null, {
      method: "POST",
      body: { kind: "pack", productId: "pack-5" },
    });
    expect(anonymous.status).toBe(401);
  });

  it("caches EPS's token across checkouts and fetches a new one after a 401", async () => {
    const user = await seedDashboardUser({ plan: "free" });
    await epsCheckout(user, "pack", pack.id);
    const warm = await simStats();
    await epsCheckout(user, "pack", pack.id);
    const cached = await simStats();
    expect(cached.getToken).toBe(warm.getToken);
    expect(cached.initialize).toBe((warm.initialize ?? 0) + 1);

    const expired = await fetch(`${epsSimulatorUrl()}/_sim/tokens/expire`, { method: "POST" });
    expect(expired.status).toBe(200);
    const checkout = await epsCheckout(user, "pack", pack.id);
    expect((await paymentRow(checkout.paymentId)).status).toBe("pending");
    const after = await simStats();
    expect(after.unauthorized).toBe((cached.unauthorized ?? 0) + 1);
    expect(after.getToken).toBe((cached.getToken ?? 0) + 1);
    expect(after.initialize).toBe((cached.initialize ?? 0) + 2);
  });

  it("answers 502 with EPS's reason when InitializeEPS refuses, and marks the order failed", async () => {
    const user = await seedDashboardUser({ plan: "free" });
    expect((await fetch(`${epsSimulatorUrl()}/_sim/initialize/refuse`, { method: "POST" })).status).toBe(200);
    const response = await dashboardFetch("/api/billing/eps/checkout", user.token, {
      method: "POST",
      body: { kind: "pack", productId: "pack-5" },
    });
    expect(response.status).toBe(502);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("upstream_error");
    expect(error.message).toContain("Store is not active");
    const rows = await withDatabase((db) => db.select().from(payments).where(eq(payments.userId, user.userId)));
    expect(rows.map((row) => row.status)).toEqual(["failed"]);
  });
});
