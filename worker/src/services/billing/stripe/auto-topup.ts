/**
 * Auto top-up (issue 12): when an account's balance is below its threshold, its chosen pack is bought once with an
 * off-session PaymentIntent on the saved card (https://docs.stripe.com/payments/save-and-reuse#charge-saved-payment-method).
 * - Detection: the every-minute cron (cron/scheduled.ts), right after usage is posted to the balances, looks at the
 *   accounts below their threshold; the hot path pays nothing for it. `topUpAccount` may be called from anywhere else.
 * - Once per crossing: the attempt is our `payments` row with the merchant reference `omz_at_<account>_<n>`, where
 *   `n` counts the account's finished auto top-ups; it is inserted only while none is pending, and the reference is
 *   unique, so concurrent calls insert one row; the reference is also Stripe's idempotency key, so a retried call
 *   makes one PaymentIntent. After an attempt, the next waits `ATTEMPT_SPACING_MS`: a call that read the balance
 *   before the credit landed, or just after a decline, does not start a second one for the same crossing.
 * - The credit comes with `payment_intent.succeeded` (payment-events.ts), which also resets the declines.
 * - A decline (`card_declined`, or no saved card) fails the row and counts one decline; `AUTO_TOPUP.maxDeclines` in a
 *   row turn auto top-up off.
 */
import { and, asc, count, eq, gt, isNotNull, lt, ne, sql } from "drizzle-orm";
import Stripe from "stripe";
import type { Database } from "../../../../../db/client.ts";
import { payments, users } from "../../../../../db/schema.ts";
import { AUTO_TOPUP, findCreditPack } from "../../../catalog/billing-catalog.ts";
import { countAutoTopupDecline, failPayment } from "./payment-records.ts";

export type AutoTopupOutcome = "not-needed" | "pending" | "requested" | "declined";

/** The least time between two auto top-ups of an account (the next after a decline is retried then too). */
export const ATTEMPT_SPACING_MS = 10 * 60 * 1000;

/** Accounts looked at per run (the rest wait for the next minute). */
const ACCOUNTS_PER_RUN = 50;

export async function runAutoTopups(deps: { db: Database; stripe: Stripe }, now = new Date()): Promise<number> {
  const due = await deps.db
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        eq(users.autoTopupEnabled, true),
        isNotNull(users.stripeCustomerId),
        lt(users.creditBalanceMicroUsd, sql`${users.autoTopupThresholdMicroUsd}`),
        lt(users.autoTopupDeclines, AUTO_TOPUP.maxDeclines),
      ),
    )
    .orderBy(asc(users.updatedAt))
    .limit(ACCOUNTS_PER_RUN);
  let requested = 0;
  for (const user of due) {
    try {
      if ((await topUpAccount(deps, user.id, now)) === "requested") requested += 1;
    } catch (error) {
      // One account's failure (Stripe unreachable, a customer Stripe no longer knows) must not stop the others; its
      // attempt stays pending without a PaymentIntent and is retried, with the same idempotency key, next run.
      const kind = error instanceof Error ? error.name : "unknown";
      console.error(JSON.stringify({ event: "auto-topup-failed", userId: user.id, error: kind }));
    }
  }
  return requested;
}

export async function topUpAccount(
  deps: { db: Database; stripe: Stripe },
  userId: string,
  now = new Date(),
): Promise<AutoTopupOutcome> {
  const [user] = await deps.db.select().from(users).where(eq(users.id, userId));
  const pack = findCreditPack(user?.autoTopupPackId ?? "");
  const below =
    user?.autoTopupThresholdMicroUsd != null && user.creditBalanceMicroUsd < user.autoTopupThresholdMicroUsd;
  if (!user?.autoTopupEnabled || !user.stripeCustomerId || !pack || !below) return "not-needed";
  if (user.autoTopupDeclines >= AUTO_TOPUP.maxDeclines) return "not-needed";

  const payment = await claimAttempt(
    deps.db,
    userId,
    { id: pack.id, cents: pack.priceUsdCents, credit: pack.creditMicroUsd },
    now,
  );
  if (!payment) return "pending";
  const [method] = (await deps.stripe.customers.listPaymentMethods(user.stripeCustomerId, { limit: 1 })).data;
  if (!method) return decline(deps.db, userId, payment.id, null);
  try {
    const intent = await deps.stripe.paymentIntents.create(
      {
        amount: pack.priceUsdCents,
        currency: "usd",
        customer: user.stripeCustomerId,
        payment_method: method.id,
        off_session: true,
        confirm: true,
        metadata: {
          purpose: "auto_topup",
          user_id: userId,
          payment_id: payment.id,
          merchant_reference: payment.merchantReference,
        },
      },
      { idempotencyKey: payment.merchantReference },
    );
    await deps.db
      .update(payments)
      .set({ providerReference: intent.id, providerPaymentReference: intent.id, updatedAt: new Date() })
      .where(eq(payments.id, payment.id));
    return "requested";
  } catch (error) {
    if (error instanceof Stripe.errors.StripeCardError)
      return decline(deps.db, userId, payment.id, error.payment_intent?.id ?? null);
    throw error;
  }
}

/**
 * The attempt for this crossing: a new pending row, or the pending row a failed call left without a PaymentIntent
 * (its reference makes the retry idempotent at Stripe). Null when an attempt is already with Stripe.
 */
async function claimAttempt(
  db: Database,
  userId: string,
  pack: { id: string; cents: number; credit: number },
  now: Date,
): Promise<{ id: string; merchantReference: string } | null> {
  const [pending] = await db
    .select({ id: payments.id, merchantReference: payments.merchantReference, intent: payments.providerReference })
    .from(payments)
    .where(and(eq(payments.userId, userId), eq(payments.purpose, "auto_topup"), eq(payments.status, "pending")));
  if (pending) return pending.intent ? null : pending;
  const [recent] = await db
    .select({ id: payments.id })
    .from(payments)
    .where(
      and(
        eq(payments.userId, userId),
        eq(payments.purpose, "auto_topup"),
        gt(payments.createdAt, new Date(now.getTime() - ATTEMPT_SPACING_MS)),
      ),
    )
    .limit(1);
  if (recent) return null;
  const [finished] = await db
    .select({ attempts: count() })
    .from(payments)
    .where(and(eq(payments.userId, userId), eq(payments.purpose, "auto_topup"), ne(payments.status, "pending")));
  const merchantReference = `omz_at_${userId.replaceAll("-", "")}_${finished?.attempts ?? 0}`;
  const [inserted] = await db
    .insert(payments)
    .values({
      userId,
      provider: "stripe",
      purpose: "auto_topup",
      productId: pack.id,
      merchantReference,
      amountMinor: pack.cents,
      currency: "usd",
      creditMicroUsd: pack.credit,
      createdAt: now,
    })
    .onConflictDoNothing({ target: payments.merchantReference })
    .returning({ id: payments.id, merchantReference: payments.merchantReference });
  return inserted ?? null;
}

async function decline(
  db: Database,
  userId: string,
  paymentId: string,
  intentId: string | null,
): Promise<AutoTopupOutcome> {
  if (await failPayment(db, paymentId, intentId)) await countAutoTopupDecline(db, userId);
  return "declined";
}
