/**
 * Money going back (https://docs.stripe.com/refunds, https://docs.stripe.com/disputes):
 * - `charge.refunded`: for each refund of the re-read charge, `refund:<id>` claws back its share of the credit
 *   (money.ts `proportionalCredit`, on the cumulative amount, so the parts add up exactly); the payment's
 *   `refunded_minor` and status follow.
 * - `charge.dispute.created`: `dispute:<id>` debits the disputed share of the credit; the payment is `disputed`.
 * - `charge.dispute.closed`: won, `dispute_reversal:<id>` gives it back (the debit is appended first if its event has
 *   not come yet); lost, the debit stands.
 * Payments are found by their PaymentIntent (`payments.provider_payment_reference`). A plan invoice's charge has no
 * payment row: its invoice is found through the invoice payment made with the intent, and a refund or a dispute
 * takes back the credit that invoice granted (`invoice:<id>`: the month's, or an upgrade's) in the same proportion.
 */
import { and, eq, ne } from "drizzle-orm";
import type Stripe from "stripe";
import { creditLedger, payments, type Payment } from "../../../../../db/schema.ts";
import { proportionalCredit } from "../../../lib/money.ts";
import { appendLedgerEntry, type LedgerEntryInput } from "../ledger.ts";
import { idOf, type EventContext, type Transaction, type TransactionWork } from "./event-context.ts";
import { paymentByIntent } from "./payment-records.ts";

/** Credit a charge paid for: a payment row's, or the credit its plan invoice granted (`invoice:<id>`). */
interface PaidCredit {
  userId: string | null;
  creditMicroUsd: number;
  paidMinor: number;
  paymentId: string | null;
}

/** The plan invoice a PaymentIntent paid (basil API: the invoice payment names it; a charge no longer does). */
async function invoicePaidBy(
  stripe: Stripe,
  intentId: string | null,
): Promise<{ invoiceId: string; paidMinor: number } | null> {
  if (!intentId) return null;
  const list = await stripe.invoicePayments.list({ payment: { type: "payment_intent", payment_intent: intentId } });
  const found = list.data[0];
  const invoiceId = idOf(found?.invoice);
  return found && invoiceId ? { invoiceId, paidMinor: found.amount_paid ?? found.amount_requested } : null;
}

async function invoiceCredit(
  transaction: Transaction,
  invoice: { invoiceId: string; paidMinor: number } | null,
): Promise<PaidCredit | null> {
  if (!invoice) return null;
  const [grant] = await transaction
    .select({ userId: creditLedger.userId, amount: creditLedger.amountMicroUsd })
    .from(creditLedger)
    .where(eq(creditLedger.reference, `invoice:${invoice.invoiceId}`));
  if (!grant) return null;
  return { userId: grant.userId, creditMicroUsd: grant.amount, paidMinor: invoice.paidMinor, paymentId: null };
}

function paymentCredit(payment: Payment): PaidCredit {
  return {
    userId: payment.userId,
    creditMicroUsd: payment.creditMicroUsd,
    paidMinor: payment.amountMinor,
    paymentId: payment.id,
  };
}

export async function onChargeRefunded(
  context: EventContext,
  event: Stripe.ChargeRefundedEvent,
): Promise<TransactionWork> {
  const charge = await context.stripe.charges.retrieve(event.data.object.id);
  const intentId = idOf(charge.payment_intent);
  const refunds = await context.stripe.refunds.list({ charge: charge.id, limit: 100 });
  const succeeded = refunds.data
    .filter((refund) => refund.status === "succeeded" || refund.status === "pending")
    .sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
  const invoice = await invoicePaidBy(context.stripe, intentId);
  return async (transaction) => {
    const payment = await paymentByIntent(transaction, intentId);
    if (!payment) {
      const planCredit = await invoiceCredit(transaction, invoice);
      return planCredit ? clawBack(transaction, succeeded, planCredit) : [];
    }
    const entries = await clawBack(transaction, succeeded, paymentCredit(payment));
    const status = charge.amount_refunded >= payment.amountMinor ? "refunded" : "partially_refunded";
    await transaction
      .update(payments)
      .set({ refundedMinor: charge.amount_refunded, status, updatedAt: context.now })
      .where(and(eq(payments.id, payment.id), ne(payments.status, "disputed")));
    await transaction
      .update(payments)
      .set({ refundedMinor: charge.amount_refunded, updatedAt: context.now })
      .where(eq(payments.id, payment.id));
    return entries;
  };
}

/** `refund:<id>` for each refund, its share computed on the cumulative amount so the parts add up exactly. */
async function clawBack(
  transaction: Transaction,
  refunds: Stripe.Refund[],
  paid: PaidCredit,
): Promise<LedgerEntryInput[]> {
  const entries: LedgerEntryInput[] = [];
  let before = 0;
  for (const refund of refunds) {
    const after = before + refund.amount;
    const share =
      proportionalCredit(paid.creditMicroUsd, after, paid.paidMinor) -
      proportionalCredit(paid.creditMicroUsd, before, paid.paidMinor);
    before = after;
    if (share === 0 || !paid.userId) continue;
    const entry: LedgerEntryInput = {
      userId: paid.userId,
      kind: "refund",
      amountMicroUsd: -share,
      reference: `refund:${refund.id}`,
      paymentId: paid.paymentId,
    };
    if (await appendLedgerEntry(transaction, entry)) entries.push(entry);
  }
  return entries;
}

export async function onDispute(
  context: EventContext,
  event: Stripe.ChargeDisputeCreatedEvent | Stripe.ChargeDisputeClosedEvent,
): Promise<TransactionWork> {
  const dispute = await context.stripe.disputes.retrieve(event.data.object.id);
  const intentId = idOf(dispute.payment_intent);
  const invoice = await invoicePaidBy(context.stripe, intentId);
  return async (transaction) => {
    const payment = await paymentByIntent(transaction, intentId);
    const paid = payment ? paymentCredit(payment) : await invoiceCredit(transaction, invoice);
    if (!paid?.userId) return [];
    const entries: LedgerEntryInput[] = [];
    const debit = disputeDebit(paid, dispute);
    if (debit && (await appendLedgerEntry(transaction, debit))) entries.push(debit);
    if (dispute.status === "won" && debit) {
      const reversal: LedgerEntryInput = {
        ...debit,
        kind: "dispute_reversal",
        amountMicroUsd: -debit.amountMicroUsd,
        reference: `dispute_reversal:${dispute.id}`,
      };
      if (await appendLedgerEntry(transaction, reversal)) entries.push(reversal);
    }
    if (payment) await setDisputeStatus(transaction, payment, dispute.status === "won" ? "closed-won" : "open-or-lost");
    return entries;
  };
}

function disputeDebit(paid: PaidCredit, dispute: Stripe.Dispute): LedgerEntryInput | null {
  const share = proportionalCredit(paid.creditMicroUsd, dispute.amount, paid.paidMinor);
  if (share === 0 || !paid.userId) return null;
  return {
    userId: paid.userId,
    kind: "dispute",
    amountMicroUsd: -share,
    reference: `dispute:${dispute.id}`,
    paymentId: paid.paymentId,
  };
}

async function setDisputeStatus(
  transaction: Transaction,
  payment: Payment,
  state: "closed-won" | "open-or-lost",
): Promise<void> {
  const settled =
    payment.refundedMinor === 0
      ? "succeeded"
      : payment.refundedMinor >= payment.amountMinor
        ? "refunded"
        : "partially_refunded";
  await transaction
    .update(payments)
    .set({ status: state === "closed-won" ? settled : "disputed", updatedAt: new Date() })
    .where(eq(payments.id, payment.id));
}
