/**
 * Server-side verification of an EPS order, the only way an EPS payment grants anything: the return URLs (unsigned
 * query) and the IPN (its payload is not trusted) only trigger it, as does the pending re-check job.
 * 1. CheckMerchantTransactionStatus for our merchant transaction id;
 * 2. a success counts only when EPS's amount equals our order's amount in paisa (eps-status.ts); a success with
 *    another amount marks the order failed and grants nothing (logged by payment id);
 * 3. in one transaction: the payment moves from `pending` to `succeeded` (a conditional update, so concurrent
 *    verifications of one order grant once), its ledger entry `payment:<id>` is appended (a pack's credit, or a plan
 *    period's monthly credit) and a plan's period opened or extended;
 * 4. after the commit: the hot path's credit counter (once per reference) and, for a plan, activatePlan.
 */
import { and, eq } from "drizzle-orm";
import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../../../../../db/client.ts";
import { payments, type Payment } from "../../../../../db/schema.ts";
import { findPlanOffer, type SoldPlanId } from "../../../catalog/billing-catalog.ts";
import type { ScriptClient } from "../../hot-path/script-client.ts";
import type { InvalidationScheduler } from "../../identity/key-record-invalidation.ts";
import { appendLedgerEntry, applyGrantToCounter, type LedgerEntryInput } from "../ledger.ts";
import { activatePlan } from "../plan-changes.ts";
import type { EpsClient } from "./eps-client.ts";
import { extendEpsPeriod } from "./eps-plan-period.ts";
import { readEpsStatus } from "./eps-status.ts";

export interface EpsVerificationDeps {
  db: Database;
  redis: Redis;
  scripts: ScriptClient;
  background: InvalidationScheduler;
  client: EpsClient;
  now: Date;
}

export type VerificationOutcome = "granted" | "already_final" | "pending" | "failed" | "cancelled" | "unknown_order";

export interface Verification {
  outcome: VerificationOutcome;
  payment: Payment | null;
}

export async function verifyEpsPayment(deps: EpsVerificationDeps, merchantReference: string): Promise<Verification> {
  const payment = await findEpsPayment(deps.db, merchantReference);
  if (!payment) return { outcome: "unknown_order", payment: null };
  if (payment.status !== "pending") {
    // A crash between the commit and the counter update is repaired here (the counter moves once per reference).
    if (payment.status === "succeeded") await afterGrant(deps, payment, { activate: false });
    return { outcome: "already_final", payment };
  }
  const record = await deps.client.checkStatus(merchantReference);
  if (!record) return { outcome: "pending", payment };
  const verdict = readEpsStatus(record, merchantReference, payment.amountMinor);
  switch (verdict.kind) {
    case "pending":
      return { outcome: "pending", payment };
    case "failed":
    case "cancelled":
      return { outcome: verdict.kind, payment: (await closePayment(deps.db, payment.id, verdict.kind)) ?? payment };
    case "amount_mismatch":
      console.warn(JSON.stringify({ event: "eps-amount-mismatch", paymentId: payment.id }));
      return { outcome: "failed", payment: (await closePayment(deps.db, payment.id, "failed")) ?? payment };
    case "paid": {
      const granted = await grant(deps, payment, verdict.epsTransactionId);
      const current = (await findEpsPayment(deps.db, merchantReference)) ?? payment;
      if (granted) await afterGrant(deps, current, { activate: true });
      return { outcome: granted ? "granted" : "already_final", payment: current };
    }
  }
}

export async function findEpsPayment(db: Database, merchantReference: string): Promise<Payment | undefined> {
  const [row] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.provider, "eps"), eq(payments.merchantReference, merchantReference)));
  return row;
}

/** Marks a pending payment failed or cancelled; returns the updated row (undefined when it was not pending). */
export async function closePayment(
  db: Database,
  paymentId: string,
  status: "failed" | "cancelled",
): Promise<Payment | undefined> {
  const [row] = await db
    .update(payments)
    .set({ status, updatedAt: new Date() })
    .where(and(eq(payments.id, paymentId), eq(payments.status, "pending")))
    .returning();
  return row;
}

function ledgerEntry(payment: Payment): LedgerEntryInput | null {
  if (!payment.userId) return null;
  const reference = `payment:${payment.id}`;
  if (payment.purpose === "plan") {
    const offer = findPlanOffer(payment.productId);
    if (!offer) return null;
    return {
      userId: payment.userId,
      kind: "plan_credit",
      amountMicroUsd: offer.monthlyCreditMicroUsd,
      reference,
      paymentId: payment.id,
    };
  }
  return {
    userId: payment.userId,
    kind: "purchase",
    amountMicroUsd: payment.creditMicroUsd,
    reference,
    paymentId: payment.id,
  };
}

/** The transaction of step 3; false when another verification got there first. */
async function grant(deps: EpsVerificationDeps, payment: Payment, epsTransactionId: string | null): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const moved = await tx
      .update(payments)
      .set({
        status: "succeeded",
        providerReference: epsTransactionId ?? payment.providerReference,
        completedAt: deps.now,
        updatedAt: deps.now,
      })
      .where(and(eq(payments.id, payment.id), eq(payments.status, "pending")))
      .returning({ id: payments.id });
    if (moved.length === 0) return false;
    const entry = ledgerEntry(payment);
    if (entry && entry.amountMicroUsd > 0) await appendLedgerEntry(tx, entry);
    if (payment.purpose === "plan" && payment.userId) {
      await extendEpsPeriod(tx, {
        userId: payment.userId,
        plan: payment.productId as SoldPlanId,
        merchantReference: payment.merchantReference,
        now: deps.now,
      });
    }
    return true;
  });
}

/**
 * Step 4. The counter moves once per reference, so repeating it is safe. The plan is activated only right after the
 * grant: a later re-verification of an old payment must not bring back a plan whose period is over (a crash before
 * activation is repaired by the plan-period job, which aligns the account's plan with its EPS subscription).
 */
async function afterGrant(deps: EpsVerificationDeps, payment: Payment, options: { activate: boolean }): Promise<void> {
  const entry = ledgerEntry(payment);
  if (entry && entry.amountMicroUsd > 0) await applyGrantToCounter(deps.scripts, entry);
  if (options.activate && payment.purpose === "plan" && payment.userId && findPlanOffer(payment.productId)) {
    await activatePlan(deps, payment.userId, payment.productId as SoldPlanId);
  }
}
