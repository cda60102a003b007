/**
 * Our `payments` rows as Stripe's events move them, inside the event's transaction. Every change is conditional on
 * the row's current status, so a repeated or late event changes nothing, and each grant is a ledger entry with a
 * unique reference (`payment:<our id>`), appended once.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { payments, users, type Payment } from "../../../../../db/schema.ts";
import { AUTO_TOPUP } from "../../../catalog/billing-catalog.ts";
import { appendLedgerEntry, type LedgerEntryInput } from "../ledger.ts";
import type { Transaction } from "./event-context.ts";

export async function paymentByMerchantReference(
  transaction: Transaction,
  merchantReference: string | undefined,
): Promise<Payment | undefined> {
  if (!merchantReference) return undefined;
  const [payment] = await transaction
    .select()
    .from(payments)
    .where(and(eq(payments.merchantReference, merchantReference), eq(payments.provider, "stripe")))
    .for("update");
  return payment;
}

/** The payment a charge, refund or dispute names through its PaymentIntent. */
export async function paymentByIntent(transaction: Transaction, intentId: string | null): Promise<Payment | undefined> {
  if (!intentId) return undefined;
  const [payment] = await transaction
    .select()
    .from(payments)
    .where(and(eq(payments.providerPaymentReference, intentId), eq(payments.provider, "stripe")))
    .for("update");
  return payment;
}

/**
 * The payment succeeded for `amountCents` (Stripe's amount): marked succeeded and its credit granted, once. An amount
 * other than our price grants nothing (logged); a payment already failed or cancelled is revived (a delayed method
 * that Stripe reports late).
 */
export async function fulfilPayment(
  transaction: Transaction,
  payment: Payment,
  stripe: { intentId: string | null; amountCents: number; currency: string },
): Promise<LedgerEntryInput[]> {
  if (stripe.amountCents !== payment.amountMinor || stripe.currency !== payment.currency) {
    console.error(JSON.stringify({ event: "stripe-amount-mismatch", paymentId: payment.id }));
    return [];
  }
  await transaction
    .update(payments)
    .set({
      status: "succeeded",
      completedAt: sql`coalesce(${payments.completedAt}, now())`,
      updatedAt: new Date(),
      ...(stripe.intentId ? { providerPaymentReference: stripe.intentId } : {}),
    })
    .where(and(eq(payments.id, payment.id), inArray(payments.status, ["pending", "failed", "cancelled"])));
  if (payment.creditMicroUsd === 0 || !payment.userId) return [];
  const entry: LedgerEntryInput = {
    userId: payment.userId,
    kind: "purchase",
    amountMicroUsd: payment.creditMicroUsd,
    reference: `payment:${payment.id}`,
    paymentId: payment.id,
  };
  return (await appendLedgerEntry(transaction, entry)) ? [entry] : [];
}

/** A pending payment failed (declined, or a delayed method refused). Returns whether this call moved it. */
export async function failPayment(
  transaction: Pick<Transaction, "update">,
  paymentId: string,
  intentId: string | null,
): Promise<boolean> {
  const changed = await transaction
    .update(payments)
    .set({ status: "failed", updatedAt: new Date(), ...(intentId ? { providerPaymentReference: intentId } : {}) })
    .where(and(eq(payments.id, paymentId), eq(payments.status, "pending")))
    .returning({ id: payments.id });
  return changed.length > 0;
}

/** A pending payment whose checkout expired or never started. Returns whether this call moved it. */
export async function cancelPayment(
  transaction: Pick<Transaction, "update">,
  paymentId: string,
  now = new Date(),
): Promise<boolean> {
  const changed = await transaction
    .update(payments)
    .set({ status: "cancelled", updatedAt: now })
    .where(and(eq(payments.id, paymentId), eq(payments.status, "pending")))
    .returning({ id: payments.id });
  return changed.length > 0;
}

/** One more decline of auto top-up in a row; at `AUTO_TOPUP.maxDeclines` it turns itself off. */
export async function countAutoTopupDecline(transaction: Pick<Transaction, "update">, userId: string): Promise<void> {
  await transaction
    .update(users)
    .set({
      autoTopupDeclines: sql`${users.autoTopupDeclines} + 1`,
      autoTopupEnabled: sql`${users.autoTopupEnabled} AND ${users.autoTopupDeclines} + 1 < ${AUTO_TOPUP.maxDeclines}`,
      updatedAt: new Date(),
    })
    .where(eq(users.id, userId));
}
