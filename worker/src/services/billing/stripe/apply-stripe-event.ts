/**
 * Applies one verified Stripe event exactly once (https://docs.stripe.com/webhooks#handle-duplicate-events):
 * 1. the handler re-reads what it needs from Stripe (outside any transaction);
 * 2. one database transaction inserts the event id into `stripe_events` and runs the handler's ledger, payment,
 *    subscription and plan changes; a duplicate id ends it with nothing done;
 * 3. after commit, each new ledger entry reaches the hot path's credit counter (ledger.ts, once per reference).
 * Every effect is also keyed on its object (`payment:`, `invoice:`, `refund:`, `dispute:`), because one change at
 * Stripe can produce several events. Types not in the table, and events about an object Stripe does not have, are
 * acknowledged and ignored (not recorded).
 */
import type Stripe from "stripe";
import type { Database } from "../../../../../db/client.ts";
import { stripeEvents } from "../../../../../db/schema.ts";
import type { ScriptClient } from "../../hot-path/script-client.ts";
import { applyGrantToCounter, type LedgerEntryInput } from "../ledger.ts";
import { onDispute, onChargeRefunded } from "./dispute-refund-events.ts";
import type { EventContext, TransactionWork } from "./event-context.ts";
import { onCheckoutSession, onPaymentIntent } from "./payment-events.ts";
import { onInvoice, onSubscription } from "./subscription-events.ts";

type Handlers = {
  [Type in Stripe.Event["type"]]?: (
    context: EventContext,
    event: Extract<Stripe.Event, { type: Type }>,
  ) => Promise<TransactionWork>;
};

export const STRIPE_EVENT_HANDLERS = {
  "checkout.session.completed": onCheckoutSession,
  "checkout.session.async_payment_succeeded": onCheckoutSession,
  "checkout.session.async_payment_failed": onCheckoutSession,
  "checkout.session.expired": onCheckoutSession,
  "payment_intent.succeeded": onPaymentIntent,
  "payment_intent.payment_failed": onPaymentIntent,
  "invoice.paid": onInvoice,
  "invoice.payment_failed": onInvoice,
  "customer.subscription.created": onSubscription,
  "customer.subscription.updated": onSubscription,
  "customer.subscription.deleted": onSubscription,
  "charge.refunded": onChargeRefunded,
  "charge.dispute.created": onDispute,
  "charge.dispute.closed": onDispute,
} satisfies Handlers;

export type HandledStripeEvent = keyof typeof STRIPE_EVENT_HANDLERS;
export type StripeEventOutcome = "applied" | "duplicate" | "ignored";

export interface ApplyStripeEventDeps extends EventContext {
  db: Database;
  scripts: ScriptClient;
}

function isHandled(type: string): type is HandledStripeEvent {
  return Object.hasOwn(STRIPE_EVENT_HANDLERS, type);
}

export async function applyStripeEvent(deps: ApplyStripeEventDeps, event: Stripe.Event): Promise<StripeEventOutcome> {
  if (!isHandled(event.type)) return "ignored";
  const handler = STRIPE_EVENT_HANDLERS[event.type] as (
    context: EventContext,
    event: Stripe.Event,
  ) => Promise<TransactionWork>;
  let work: TransactionWork;
  try {
    work = await handler(deps, event);
  } catch (error) {
    // Signed by Stripe but about an object Stripe no longer has (or never had in this mode): nothing to apply, and a
    // retry would not change that.
    if ((error as { code?: string }).code === "resource_missing") return "ignored";
    throw error;
  }
  const entries = await deps.db.transaction(async (transaction): Promise<LedgerEntryInput[] | null> => {
    const inserted = await transaction
      .insert(stripeEvents)
      .values({ id: event.id, type: event.type })
      .onConflictDoNothing()
      .returning({ id: stripeEvents.id });
    if (inserted.length === 0) return null;
    return work(transaction);
  });
  if (entries === null) return "duplicate";
  for (const entry of entries) await applyGrantToCounter(deps.scripts, entry);
  return "applied";
}
