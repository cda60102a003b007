/**
 * What `/api/billing` reads (routes/api/billing.ts): the account's billing status (balance, plan, current
 * subscription, auto top-up settings) and its payments, as the contract's JSON (contracts/billing-api.ts). Only the
 * caller's own rows are ever read. No card or bank data exists to read (policy 1.3).
 */
import { and, desc, eq, notInArray } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { payments, subscriptions, users, type Payment, type Subscription } from "../../../../db/schema.ts";
import { EPS_PERIOD, LOW_BALANCE_MICRO_USD } from "../../catalog/billing-catalog.ts";
import type { AutoTopupRequest, BillingStatus, PaymentJson, SubscriptionJson } from "../../contracts/billing-api.ts";
import { GatewayError } from "../../errors.ts";
import { accountBalanceSql } from "../usage/post-usage.ts";

const DAY_MS = 86_400_000;
/** Subscription states that are over: the account holds no plan through them any more. */
const ENDED_STATUSES = ["canceled", "expired"];
/** The history the Billing page lists (newest first); older payments stay in the account export. */
export const PAYMENT_LIST_LIMIT = 100;

const iso = (value: Date | null): string | null => value?.toISOString() ?? null;

/**
 * EPS has no recurring billing: a renewal is due once the paid period ends within `EPS_PERIOD.reminderDays`, and
 * during the grace after its end. Stripe renews by itself: never due.
 */
export function isRenewalDue(subscription: Pick<Subscription, "provider" | "currentPeriodEnd">, now: Date): boolean {
  if (subscription.provider !== "eps" || !subscription.currentPeriodEnd) return false;
  return subscription.currentPeriodEnd.getTime() - now.getTime() <= EPS_PERIOD.reminderDays * DAY_MS;
}

export function toSubscriptionJson(subscription: Subscription, now: Date): SubscriptionJson {
  return {
    id: subscription.id,
    plan: subscription.plan as SubscriptionJson["plan"],
    provider: subscription.provider as SubscriptionJson["provider"],
    status: subscription.status as SubscriptionJson["status"],
    currentPeriodEnd: iso(subscription.currentPeriodEnd),
    cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
    cancelledAt: iso(subscription.cancelledAt),
    graceUntil: iso(subscription.graceUntil),
    renewalDue: isRenewalDue(subscription, now),
  };
}

export function toPaymentJson(payment: Payment): PaymentJson {
  return {
    id: payment.id,
    provider: payment.provider as PaymentJson["provider"],
    purpose: payment.purpose as PaymentJson["purpose"],
    productId: payment.productId,
    merchantReference: payment.merchantReference,
    providerReference: payment.providerReference,
    amountMinor: payment.amountMinor,
    currency: payment.currency as PaymentJson["currency"],
    creditMicroUsd: payment.creditMicroUsd,
    status: payment.status as PaymentJson["status"],
    refundedMinor: payment.refundedMinor,
    createdAt: payment.createdAt.toISOString(),
    completedAt: iso(payment.completedAt),
  };
}

/** The newest subscription of the account that is not over, or null. */
export async function currentSubscription(db: Database, userId: string): Promise<Subscription | null> {
  const rows = await db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.userId, userId), notInArray(subscriptions.status, ENDED_STATUSES)))
    .orderBy(desc(subscriptions.createdAt))
    .limit(1);
  return rows[0] ?? null;
}

/** `GET /api/billing`. */
export async function readBillingStatus(db: Database, userId: string, now = new Date()): Promise<BillingStatus> {
  const [rows, subscription] = await Promise.all([
    db
      .select({
        plan: users.plan,
        balance: accountBalanceSql,
        stripeCustomerId: users.stripeCustomerId,
        autoTopupEnabled: users.autoTopupEnabled,
        autoTopupThresholdMicroUsd: users.autoTopupThresholdMicroUsd,
        autoTopupPackId: users.autoTopupPackId,
        autoTopupDeclines: users.autoTopupDeclines,
      })
      .from(users)
      .where(eq(users.id, userId))
      .limit(1),
    currentSubscription(db, userId),
  ]);
  const row = rows[0];
  if (!row) throw new GatewayError("not_found", "No such account.");
  const balanceMicroUsd = Number(row.balance);
  return {
    balanceMicroUsd,
    plan: row.plan,
    lowBalance: balanceMicroUsd < LOW_BALANCE_MICRO_USD,
    subscription: subscription ? toSubscriptionJson(subscription, now) : null,
    autoTopup: {
      enabled: row.autoTopupEnabled,
      thresholdMicroUsd: row.autoTopupThresholdMicroUsd,
      packId: row.autoTopupPackId,
      declines: row.autoTopupDeclines,
      // Cards are saved on the account's Stripe customer at its first card checkout (setup_future_usage).
      hasSavedCard: row.stripeCustomerId !== null,
    },
  };
}

/** `GET /api/billing/payments`: the account's newest payments first. */
export async function listPayments(db: Database, userId: string): Promise<PaymentJson[]> {
  const rows = await db
    .select()
    .from(payments)
    .where(eq(payments.userId, userId))
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(PAYMENT_LIST_LIMIT);
  return rows.map(toPaymentJson);
}

/** `GET /api/billing/payments/:id`: another account's payment is as unknown as a missing one (404). */
export async function readPayment(db: Database, userId: string, paymentId: string): Promise<PaymentJson> {
  const rows = await db
    .select()
    .from(payments)
    .where(and(eq(payments.id, paymentId), eq(payments.userId, userId)))
    .limit(1);
  const row = rows[0];
  if (!row) throw new GatewayError("not_found", "No such payment.");
  return toPaymentJson(row);
}

/**
 * `PUT /api/billing/auto-topup` (validated by the route). Turning it on starts the decline count afresh, so an
 * account that auto top-up turned off after declines can try again with a new card.
 */
export async function saveAutoTopup(db: Database, userId: string, settings: AutoTopupRequest): Promise<void> {
  await db
    .update(users)
    .set({
      autoTopupEnabled: settings.enabled,
      autoTopupThresholdMicroUsd: settings.thresholdMicroUsd,
      autoTopupPackId: settings.packId,
      ...(settings.enabled && { autoTopupDeclines: 0 }),
      updatedAt: new Date(),
    })
    .where(eq(users.id, userId));
}
