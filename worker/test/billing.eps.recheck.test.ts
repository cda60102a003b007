/**
 * The pending re-check job: an order whose success reached nobody (no IPN, the browser never came back) is granted
 * by the job once EPS confirms it; an order never paid is given up on (failed) after a day, granting nothing.
 */
import { describe, expect, it } from "vitest";
import { recheckPendingEpsPayments } from "../src/services/billing/eps/eps-pending-recheck.ts";
import { createEpsClient } from "../src/services/billing/eps/eps-client.ts";
import { epsSettings } from "../src/services/billing/eps/eps-settings.ts";
import { createScriptClient } from "../src/services/hot-path/script-client.ts";
import { seedDashboardUser } from "./support/dashboard.ts";
import {
  account,
  epsCheckout,
  ledgerRows,
  paymentRow,
  payOnPage,
  simControl,
  testConfig,
  verifyFromReturnPage,
} from "./support/eps.ts";
import { withDatabase } from "./support/gateway.ts";
import { testRedis } from "./support/stand-ins.ts";

const HOUR_MS = 60 * 60 * 1000;

/** One run of the job as of `now`, over every pending order (old test runs leave some behind). */
function runRecheck(now: Date) {
  const config = testConfig();
  const settings = epsSettings(config);
  if (!settings) throw new Error("the test worker has no EPS settings");
  return withDatabase((db) =>
    recheckPendingEpsPayments(
      {
        db,
        redis: testRedis(),
        scripts: createScriptClient(config),
        background: { waitUntil: (promise) => void promise.catch(() => undefined) },
        client: createEpsClient(settings),
        now,
      },
      1000,
    ),
  );
}

describe("EPS pending re-check", () => {
  it("gives up on an order never paid after a day: failed, nothing granted", async () => {
    const user = await seedDashboardUser({ plan: "free", creditMicroUsd: 0 });
    const checkout = await epsCheckout(user, "pack", "pack-5");
    // Too young to re-check yet: not even looked at.
    const untouched = (await paymentRow(checkout.paymentId)).updatedAt;
    await runRecheck(new Date(Date.now() + 30 * 1000));
    expect(await paymentRow(checkout.paymentId)).toMatchObject({ status: "pending", updatedAt: untouched });
    // Checked, still Initiated at EPS, but young: stays pending.
    await runRecheck(new Date(Date.now() + HOUR_MS));
    expect((await paymentRow(checkout.paymentId)).status).toBe("pending");
    const report = await runRecheck(new Date(Date.now() + 25 * HOUR_MS));
    expect(report.closed).toBeGreaterThanOrEqual(1);
    expect((await paymentRow(checkout.paymentId)).status).toBe("failed");
    expect(await ledgerRows(checkout.paymentId)).toEqual([]);
    expect((await account(user.userId)).balance).toBe(0);
  });

  it("grants a delayed success that no IPN announced", async () => {
    const user = await seedDashboardUser({ plan: "free", creditMicroUsd: 0 });
    const checkout = await epsCheckout(user, "pack", "pack-25");
    expect((await simControl(checkout.merchantReference, "delay")).status).toBe(200);
    const returned = await payOnPage(checkout.url, "card", "pay");
    expect(returned.searchParams.get("Status")).toBe("Processing");
    expect(await (await verifyFromReturnPage(user, checkout.merchantReference)).json()).toMatchObject({
      status: "pending",
    });
    await runRecheck(new Date(Date.now() + 5 * 60 * 1000));
    expect((await paymentRow(checkout.paymentId)).status).toBe("pending");

    // EPS settles it later, and tells nobody.
    expect((await simControl(checkout.merchantReference, "complete")).status).toBe(200);
    const report = await runRecheck(new Date(Date.now() + 10 * 60 * 1000));
    expect(report.granted).toBe(1);
    expect((await paymentRow(checkout.paymentId)).status).toBe("succeeded");
    expect((await ledgerRows(checkout.paymentId)).map((row) => row.amountMicroUsd)).toEqual([25_000_000]);
    expect((await account(user.userId)).balance).toBe(25_000_000);
    // The next run leaves it alone.
    const next = await runRecheck(new Date(Date.now() + 20 * 60 * 1000));
    expect(next.granted).toBe(0);
    expect(await ledgerRows(checkout.paymentId)).toHaveLength(1);
  });
});
