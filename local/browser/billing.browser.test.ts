/**
 * The Billing page in a real browser. Desktop, English: the catalog with both currencies, the configured checkouts
 * (or the note that none is), the history of payments inserted for the test account (through the payments and
 * credit_ledger tables, as a confirmed payment leaves them), a receipt downloaded with both references, auto top-up
 * saved (and a bad threshold refused before any request). The return from a provider: a pending payment shown as
 * such until it is confirmed in the database, then paid with the balance refreshed; an unknown one not found; a
 * checkout the gateway refuses explained. Phone, Bangla: the shell's low-balance warning leads to Billing, whose
 * history and labels hold no English.
 *
 * The purchases through the Stripe and EPS simulators slot in after `openBilling` (a step per provider: click
 * `pack-buy-<provider>`, pay on the simulator's page, come back to `payment-return`, see the balance and a new
 * `payment-row`), reusing `paymentRows` and `downloadReceipt`.
 */
import { readFileSync } from "node:fs";
import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { appendLocalLedgerEntry } from "../ledger-credit.ts";
import { TEST_ACCOUNT, dashboardGet, resetAccount } from "./account.ts";
import {
  englishOnBanglaPage,
  launchChromium,
  navigate,
  openDashboard,
  screenshot,
  seriousAxeViolations,
  settled,
  signIn,
  type DashboardPage,
} from "./session.ts";

const target = inject("browserStack");
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const testId = (page: Page, id: string) => page.getByTestId(id).first();

interface SeededPayment {
  id: string;
  merchantReference: string;
  providerReference: string;
}

/**
 * Two confirmed pack payments an hour apart (Stripe in USD, then EPS in BDT), each with its ledger grant and the
 * balance moved in the same transaction, as the ledger service does; `balanceMicroUsd` then sets the balance.
 */
async function seedPayments(
  userId: string,
  balanceMicroUsd?: number,
): Promise<{ stripe: SeededPayment; eps: SeededPayment }> {
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  const run = crypto.randomUUID().slice(0, 8);
  const insert = async (values: {
    provider: string;
    reference: string;
    providerReference: string;
    amountMinor: number;
    currency: string;
    hoursAgo: number;
  }): Promise<SeededPayment> => {
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO payments (user_id, provider, purpose, product_id, merchant_reference, provider_reference, amount_minor,
         currency, credit_micro_usd, status, created_at, completed_at)
       VALUES ($1, $2, 'pack', 'pack-10', $3, $4, $5, $6, 10000000, 'succeeded',
         now() - make_interval(hours => $7), now() - make_interval(hours => $7))
       RETURNING id`,
      [
        userId,
        values.provider,
        values.reference,
        values.providerReference,
        values.amountMinor,
        values.currency,
        values.hoursAgo,
      ],
    );
    const id = inserted.rows[0]?.id ?? "";
    await client.query(
      `INSERT INTO credit_ledger (user_id, kind, amount_micro_usd, reference, payment_id)
       VALUES ($1, 'purchase', 10000000, $2, $3)`,
      [userId, `payment:${id}`, id],
    );
    await client.query(
      "UPDATE users SET credit_balance_micro_usd = credit_balance_micro_usd + 10000000 WHERE id = $1",
      [userId],
    );
    return { id, merchantReference: values.reference, providerReference: values.providerReference };
  };
  try {
    await client.query("BEGIN");
    const stripe = await insert({
      provider: "stripe",
      reference: `omz_browser_${run}_usd`,
      providerReference: `cs_test_browser_${run}`,
      amountMinor: 10_00,
      currency: "usd",
      hoursAgo: 2,
    });
    const eps = await insert({
      provider: "eps",
      reference: `omz_browser_${run}_bdt`,
      providerReference: `EPS${run}`,
      amountMinor: 1_200_00,
      currency: "bdt",
      hoursAgo: 1,
    });
    if (balanceMicroUsd !== undefined) {
      // Down to the balance asked for, through the ledger (an adjustment), so the balance stays its sum.
      const current = await client.query<{ balance: string }>(
        "SELECT credit_balance_micro_usd AS balance FROM users WHERE id = $1",
        [userId],
      );
      await appendLocalLedgerEntry(client, {
        userId,
        kind: "adjustment",
        amountMicroUsd: balanceMicroUsd - Number(current.rows[0]?.balance ?? 0),
        reference: `local:browser-balance:${userId}:${run}`,
      });
    }
    await client.query("COMMIT");
    return { stripe, eps };
  } finally {
    await client.end();
  }
}

/** One statement against the browser tests' database. */
async function query<Row extends Record<string, unknown>>(text: string, params: unknown[]): Promise<Row[]> {
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function autoTopupRow(userId: string) {
  const rows = await query<{ enabled: boolean; threshold: string | null; pack: string | null }>(
    `SELECT auto_topup_enabled AS enabled, auto_topup_threshold_micro_usd AS threshold, auto_topup_pack_id AS pack
     FROM users WHERE id = $1`,
    [userId],
  );
  return rows[0];
}

/** A checkout the provider has not confirmed yet (what the checkout routes insert before the redirect). */
async function pendingPayment(userId: string): Promise<string> {
  const rows = await query<{ id: string }>(
    `INSERT INTO payments (user_id, provider, purpose, product_id, merchant_reference, amount_minor, currency,
       credit_micro_usd)
     VALUES ($1, 'eps', 'pack', 'pack-5', $2, 60000, 'bdt', 5000000) RETURNING id`,
    [userId, `omz_browser_${crypto.randomUUID().slice(0, 8)}_pending`],
  );
  return rows[0]?.id ?? "";
}

/** What a verified confirmation does: the payment succeeds and its credit is granted once, in one transaction. */
async function confirmPayment(userId: string, paymentId: string): Promise<void> {
  await query(
    `WITH paid AS (
       UPDATE payments SET status = 'succeeded', provider_reference = 'EPSCONFIRMED', completed_at = now()
       WHERE id = $2 AND status = 'pending' RETURNING id, credit_micro_usd
     ), granted AS (
       INSERT INTO credit_ledger (user_id, kind, amount_micro_usd, reference, payment_id)
       SELECT $1, 'purchase', credit_micro_usd, 'payment:' || id, id FROM paid RETURNING amount_micro_usd
     )
     UPDATE users SET credit_balance_micro_usd = credit_balance_micro_usd + (SELECT sum(amount_micro_usd) FROM granted)
     WHERE id = $1 AND EXISTS (SELECT 1 FROM granted)`,
    [userId, paymentId],
  );
}

async function openBilling(dashboard: DashboardPage): Promise<void> {
  await navigate(dashboard.page, "/billing");
  await testId(dashboard.page, "billing-balance").waitFor({ state: "visible", timeout: 10_000 });
  await settled(dashboard);
}

const paymentRows = (page: Page) =>
  page.getByTestId("payment-row").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-payment-id")));

async function downloadReceipt(page: Page, paymentId: string): Promise<{ name: string; text: string }> {
  const row = page.locator(`[data-testid="payment-row"][data-payment-id="${paymentId}"]`);
  const [download] = await Promise.all([
    page.waitForEvent("download", { timeout: 10_000 }),
    row.getByTestId("payment-receipt").click(),
  ]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), "utf8") };
}

describe("billing", () => {
  it("desktop, English: catalog in both currencies, history, receipt, auto top-up", async () => {
    const userId = await resetAccount(target);
    const payments = await seedPayments(userId);
    const dashboard = await openDashboard(browser, target, { viewport: "desktop", language: "en" });
    const page = dashboard.page;
    try {
      await page.goto(`${target.spaUrl}/`);
      await signIn(page);
      await openBilling(dashboard);

      // Balance: the account's 10 USD and the two packs' credit.
      expect(await testId(page, "billing-balance").textContent()).toBe("$30.00");
      const pro = page.locator('[data-testid="plan-card"][data-plan-id="pro"]');
      expect(await pro.getByTestId("plan-price-usd").textContent()).toBe("$20.00 a month");
      expect(await pro.getByTestId("plan-price-bdt").textContent()).toBe("৳2,400.00 a month");
      expect(await page.getByTestId("plan-card").count()).toBe(3);
      const pack = page.locator('[data-testid="pack-card"][data-pack-id="pack-25"]');
      expect(await pack.getByTestId("pack-price-usd").textContent()).toBe("$25.00");
      expect(await pack.getByTestId("pack-price-bdt").textContent()).toBe("৳3,000.00");

      // The checkouts the deployment offers; a purchase step per provider goes here once the simulators run.
      const catalog = await dashboardGet<{ providers: { stripe: boolean; eps: boolean } }>(
        target.gatewayUrl,
        "/api/billing/catalog",
      );
      expect(catalog.status).toBe(200);
      for (const provider of ["stripe", "eps"] as const)
        expect(await pack.getByTestId(`pack-buy-${provider}`).count(), provider).toBe(
          catalog.body.providers[provider] ? 1 : 0,
        );
      const noneConfigured = !catalog.body.providers.stripe && !catalog.body.providers.eps;
      expect(await page.getByTestId("billing-no-providers").isVisible()).toBe(noneConfigured);

      // History: newest first, only what was inserted for this account.
      expect(await paymentRows(page)).toEqual([payments.eps.id, payments.stripe.id]);
      for (const finding of await seriousAxeViolations(page)) expect.fail(`axe ${finding.id}: ${finding.help}`);
      await screenshot(dashboard, target, "billing-desktop-en");

      const receipt = await downloadReceipt(page, payments.eps.id);
      expect(receipt.name).toBe(`omnizen-receipt-${payments.eps.merchantReference}.txt`);
      for (const expected of [
        payments.eps.id,
        payments.eps.merchantReference,
        payments.eps.providerReference,
        "৳1,200.00 BDT",
        "$10.00",
        "EPS",
      ])
        expect(receipt.text).toContain(expected);
      expect(receipt.text).not.toContain(payments.stripe.merchantReference);

      // Auto top-up: a threshold out of bounds is refused in the page; a valid one is saved and shown again.
      await testId(page, "auto-topup-enabled").check();
      await testId(page, "auto-topup-threshold").fill("0.50");
      await testId(page, "auto-topup-save").click();
      await expect.poll(() => page.getByText("Enter an amount between $1.00 and $100.00.").count()).toBe(1);
      expect((await autoTopupRow(userId))?.enabled).toBe(false);
      await testId(page, "auto-topup-threshold").fill("7.50");
      await testId(page, "auto-topup-pack").selectOption("pack-25");
      await testId(page, "auto-topup-save").click();
      await testId(page, "auto-topup-saved").waitFor({ state: "visible", timeout: 10_000 });
      expect(await autoTopupRow(userId)).toEqual({ enabled: true, threshold: "7500000", pack: "pack-25" });
      await page.reload();
      await signIn(page);
      await testId(page, "auto-topup-threshold").waitFor({ state: "visible", timeout: 10_000 });
      expect(await testId(page, "auto-topup-enabled").isChecked()).toBe(true);
      expect(await testId(page, "auto-topup-threshold").inputValue()).toBe("7.50");
      expect(await testId(page, "auto-topup-pack").inputValue()).toBe("pack-25");

      expect(dashboard.unexpectedOrigins()).toEqual([]);
      expect(dashboard.cspViolations).toEqual([]);
    } finally {
      await dashboard.close();
    }
  });

  it("the return from a provider: pending until confirmed, then paid; a refused checkout says so", async () => {
    const userId = await resetAccount(target);
    const paymentId = await pendingPayment(userId);
    const dashboard = await openDashboard(browser, target, { viewport: "desktop", language: "en" });
    const page = dashboard.page;
    try {
      await page.goto(`${target.spaUrl}/billing?payment=${paymentId}`);
      await signIn(page);
      const outcome = testId(page, "payment-return");
      await expect.poll(() => outcome.getAttribute("data-status"), { timeout: 10_000 }).toBe("pending");
      expect(await outcome.textContent()).toBe("Waiting for EPS to confirm the payment…");
      expect(await testId(page, "billing-balance").textContent()).toBe("$10.00");

      // The page keeps asking; once the payment is confirmed it says so and the balance and history follow.
      await confirmPayment(userId, paymentId);
      await expect.poll(() => outcome.getAttribute("data-status"), { timeout: 10_000 }).toBe("succeeded");
      expect(await outcome.textContent()).toBe("Payment received: $5.00 was added to your balance.");
      await expect.poll(() => testId(page, "billing-balance").textContent(), { timeout: 10_000 }).toBe("$15.00");
      await expect.poll(() => paymentRows(page), { timeout: 10_000 }).toEqual([paymentId]);
      await testId(page, "payment-return-dismiss").click();
      await page.waitForURL((url) => !url.search.includes("payment="));

      // Another account's or a made-up payment is not found.
      await page.goto(`${target.spaUrl}/billing?payment=${crypto.randomUUID()}`);
      await signIn(page);
      await expect
        .poll(() => testId(page, "payment-return").getAttribute("data-status"), { timeout: 10_000 })
        .toBe("not-found");

      // A checkout the gateway refuses (here Stripe's key is missing on the deployment: 503 in the API's error shape)
      // is explained on the page, and the browser stays on Billing.
      await page.route("**/api/billing/stripe/checkout", (route) =>
        route.fulfill({
          status: 503,
          contentType: "application/json",
          json: {
            error: {
              message: "Stripe is not configured on this deployment.",
              type: "service_unavailable",
              param: null,
              code: "payment_provider_unavailable",
            },
          },
        }),
      );
      await page.goto(`${target.spaUrl}/billing`);
      await signIn(page);
      const refused = page.locator('[data-testid="pack-card"][data-pack-id="pack-10"]');
      await refused.getByTestId("pack-buy-stripe").click();
      await expect
        .poll(() => refused.getByTestId("checkout-error").textContent(), { timeout: 10_000 })
        .toBe("Payment through Stripe is not available yet. Please try again later.");
      expect(new URL(page.url()).pathname).toBe("/billing");
      expect(dashboard.unexpectedOrigins()).toEqual([]);
    } finally {
      await dashboard.close();
    }
  });

  it("buys a pack in BDT through EPS: its payment page, back to Billing, verified, credited once", async () => {
    await resetAccount(target);
    const dashboard = await openDashboard(browser, target, { viewport: "desktop", language: "en" });
    const page = dashboard.page;
    try {
      await page.goto(`${target.spaUrl}/`);
      await signIn(page);
      await openBilling(dashboard);
      expect(await testId(page, "billing-balance").textContent()).toBe("$10.00");

      const pack = page.locator('[data-testid="pack-card"][data-pack-id="pack-5"]');
      await pack.getByTestId("pack-buy-eps").click();
      // EPS's page (the simulator): the order's amount in BDT, then bKash's "pay".
      await page.waitForURL((url) => url.origin === new URL(target.paymentPageUrls.eps).origin, { timeout: 15_000 });
      expect(await testId(page, "eps-amount").textContent()).toBe("600.00 BDT");
      await testId(page, "eps-bkash-pay").click();

      // Back on Billing: the return URL proves nothing; the page asks the gateway, which asks EPS.
      await page.waitForURL((url) => url.origin === target.spaUrl && url.pathname === "/billing", { timeout: 15_000 });
      await signIn(page);
      const outcome = testId(page, "payment-return");
      await expect.poll(() => outcome.getAttribute("data-status"), { timeout: 20_000 }).toBe("succeeded");
      expect(await outcome.textContent()).toBe("Payment received: $5.00 was added to your balance.");
      await expect.poll(() => testId(page, "billing-balance").textContent(), { timeout: 10_000 }).toBe("$15.00");

      const paymentId = new URL(page.url()).searchParams.get("payment") ?? "";
      expect(await paymentRows(page)).toEqual([paymentId]);
      const [payment] = await query<{ status: string; provider_reference: string | null; merchant_reference: string }>(
        "SELECT status, provider_reference, merchant_reference FROM payments WHERE id = $1",
        [paymentId],
      );
      expect(payment?.status).toBe("succeeded");
      // Granted once, whatever told the gateway first (the return page's check, EPS's IPN, a reload).
      await page.reload();
      await signIn(page);
      await expect.poll(() => testId(page, "payment-return").getAttribute("data-status")).toBe("succeeded");
      const ledger = await query<{ amount_micro_usd: string }>(
        "SELECT amount_micro_usd FROM credit_ledger WHERE payment_id = $1",
        [paymentId],
      );
      expect(ledger.map((row) => Number(row.amount_micro_usd))).toEqual([5_000_000]);
      const receipt = await downloadReceipt(page, paymentId);
      for (const expected of [payment?.merchant_reference ?? "-", payment?.provider_reference ?? "-", "৳600.00 BDT"])
        expect(receipt.text).toContain(expected);

      // Only the SPA, the gateway and EPS's own page were contacted.
      const epsOrigin = new URL(target.paymentPageUrls.eps).origin;
      expect(dashboard.unexpectedOrigins().filter((origin) => origin !== epsOrigin)).toEqual([]);
      expect(dashboard.cspViolations).toEqual([]);
    } finally {
      await dashboard.close();
    }
  });

  it("buys a pack and the Pro plan in USD through Stripe's checkout; credit and plan follow the webhooks", async () => {
    const userId = await resetAccount(target);
    const dashboard = await openDashboard(browser, target, { viewport: "desktop", language: "en" });
    const page = dashboard.page;
    const stripeOrigin = new URL(target.paymentPageUrls.stripe).origin;
    const payOnStripe = async (amount: string) => {
      await page.waitForURL((url) => url.origin === stripeOrigin, { timeout: 15_000 });
      expect(await testId(page, "stripe-sim-amount").textContent()).toBe(amount);
      await testId(page, "stripe-sim-pay").click();
      await page.waitForURL((url) => url.origin === target.spaUrl && url.pathname === "/billing", { timeout: 15_000 });
      await signIn(page);
      const outcome = testId(page, "payment-return");
      await expect.poll(() => outcome.getAttribute("data-status"), { timeout: 20_000 }).toBe("succeeded");
      return new URL(page.url()).searchParams.get("payment") ?? "";
    };
    try {
      await page.goto(`${target.spaUrl}/`);
      await signIn(page);
      await openBilling(dashboard);
      expect(await testId(page, "billing-balance").textContent()).toBe("$10.00");

      // A pack: Stripe's checkout (the simulator's hosted page), pay, back to Billing; the credit comes with the
      // signed webhook, once.
      await page.locator('[data-testid="pack-card"][data-pack-id="pack-10"]').getByTestId("pack-buy-stripe").click();
      const packPayment = await payOnStripe("10.00 USD");
      await expect.poll(() => testId(page, "billing-balance").textContent(), { timeout: 10_000 }).toBe("$20.00");

      // The Pro plan: a subscription checkout; its first invoice grants the month's credit and the plan follows.
      await testId(page, "payment-return-dismiss").click();
      await page.locator('[data-testid="plan-card"][data-plan-id="pro"]').getByTestId("plan-subscribe-stripe").click();
      const planPayment = await payOnStripe("20.00 USD");
      // The checkout completes before the first invoice's webhook grants the month's credit: wait for the grant in the
      // ledger, then the page shows it after a reload.
      await expect
        .poll(
          async () =>
            (
              await query<{ n: string }>(
                "SELECT count(*)::text AS n FROM credit_ledger WHERE user_id = $1 AND kind = 'plan_credit'",
                [userId],
              )
            )[0]?.n,
          { timeout: 20_000 },
        )
        .toBe("1");
      await page.reload();
      await signIn(page);
      await expect.poll(() => testId(page, "billing-balance").textContent(), { timeout: 15_000 }).toBe("$40.00");
      await expect
        .poll(async () => (await query<{ plan: string }>("SELECT plan FROM users WHERE id = $1", [userId]))[0]?.plan)
        .toBe("pro");

      const ledger = await query<{ kind: string; amount_micro_usd: string; reference: string }>(
        "SELECT kind, amount_micro_usd, reference FROM credit_ledger WHERE user_id = $1 AND kind <> 'adjustment' ORDER BY id",
        [userId],
      );
      expect(ledger.map((row) => [row.kind, Number(row.amount_micro_usd)])).toEqual([
        ["purchase", 10_000_000],
        ["plan_credit", 20_000_000],
      ]);
      expect(ledger[0]?.reference).toBe(`payment:${packPayment}`);
      expect(await paymentRows(page)).toEqual([planPayment, packPayment]);
      const [pack] = await query<{ merchant_reference: string; provider_reference: string | null }>(
        "SELECT merchant_reference, provider_reference FROM payments WHERE id = $1",
        [packPayment],
      );
      const receipt = await downloadReceipt(page, packPayment);
      for (const expected of [pack?.merchant_reference ?? "-", pack?.provider_reference ?? "-", "$10.00"])
        expect(receipt.text).toContain(expected);

      expect(dashboard.unexpectedOrigins().filter((origin) => origin !== stripeOrigin)).toEqual([]);
      expect(dashboard.cspViolations).toEqual([]);
    } finally {
      await dashboard.close();
    }
  });

  it("phone, Bangla: the low-balance warning and the EPS renewal reminder lead to Billing, which shows no English", async () => {
    const userId = await resetAccount(target);
    const payments = await seedPayments(userId, 400_000);
    // A Pro month paid through EPS that ends in two days: the shell reminds the user to pay for the next one.
    await query(
      `INSERT INTO subscriptions (user_id, plan, provider, external_id, status, current_period_end)
       VALUES ($1, 'pro', 'eps', $2, 'active', now() + interval '2 days')`,
      [userId, `omz_browser_${crypto.randomUUID().slice(0, 8)}_plan`],
    );
    const dashboard = await openDashboard(browser, target, { viewport: "phone", language: "bn" });
    const page = dashboard.page;
    try {
      await page.goto(`${target.spaUrl}/`);
      await signIn(page);
      await testId(page, "renewal-reminder").waitFor({ state: "visible", timeout: 10_000 });
      expect(await englishOnBanglaPage(page, { userValues: [TEST_ACCOUNT.name] })).toEqual([]);
      await testId(page, "low-balance-warning").waitFor({ state: "visible", timeout: 10_000 });
      await testId(page, "low-balance-link").click();
      await page.waitForURL((url) => url.pathname === "/billing");
      await testId(page, "billing-balance").waitFor({ state: "visible", timeout: 10_000 });
      await settled(dashboard);
      expect(await testId(page, "billing-low-balance").isVisible()).toBe(true);
      expect(await page.getByTestId("low-balance-warning").count()).toBe(0);
      expect(await page.getByTestId("renewal-reminder").count()).toBe(0);
      expect(await testId(page, "subscription-renew").count()).toBeGreaterThan(0);
      expect(await paymentRows(page)).toEqual([payments.eps.id, payments.stripe.id]);
      expect(await testId(page, "plan-price-bdt").textContent()).toContain("৳");
      expect(await englishOnBanglaPage(page, { userValues: [TEST_ACCOUNT.name] })).toEqual([]);
      await screenshot(dashboard, target, "billing-phone-bn");
      const receipt = await downloadReceipt(page, payments.stripe.id);
      expect(receipt.text).toContain(payments.stripe.providerReference);
      expect(receipt.text).toContain("পেমেন্টের রসিদ");
    } finally {
      await dashboard.close();
    }
  });
});
