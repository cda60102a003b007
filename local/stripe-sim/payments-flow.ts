/**
 * PaymentIntents created by the API (https://docs.stripe.com/payments/save-and-reuse: off-session with a saved card),
 * refunds (https://docs.stripe.com/api/refunds) and disputes (https://docs.stripe.com/disputes).
 * - `POST /v1/payment_intents` with `confirm=true`: a customer whose card outcome is `decline` gets a 402
 *   `card_error` / `card_declined` carrying the intent (as Stripe answers), and `payment_intent.payment_failed`;
 *   otherwise the intent succeeds (`payment_intent.succeeded`, `charge.succeeded`).
 * - A refund moves the charge's `amount_refunded`: `refund.created`, `charge.refunded`.
 * - A dispute: `charge.dispute.created`; closing it `won` or `lost`: `charge.dispute.closed`.
 */
import { declineError } from "./checkout-flow.ts";
import { formBoolean, formInteger, formString, formStringMap, type FormObject } from "./form-body.ts";
import { newId, nowSeconds, type Dispute, type PaymentIntent, type Refund } from "./objects.ts";
import { StripeSimError, type StripeState } from "./state.ts";

export function createPaymentIntent(state: StripeState, form: FormObject): PaymentIntent {
  const amount = formInteger(form, "amount");
  const currency = formString(form, "currency");
  if (amount === undefined || amount < 50 || !currency)
    throw new StripeSimError(400, "invalid_request_error", "amount (at least 50) and currency are required.", {
      param: amount === undefined || amount < 50 ? "amount" : "currency",
    });
  const customer = formString(form, "customer") ?? null;
  if (customer) state.customer(customer);
  const paymentMethod = formString(form, "payment_method") ?? null;
  if (paymentMethod) {
    const method = state.paymentMethods.get(paymentMethod);
    if (!method || method.customer !== customer)
      throw new StripeSimError(400, "invalid_request_error", `No such PaymentMethod: '${paymentMethod}'`, {
        code: "resource_missing",
        param: "payment_method",
      });
  }
  const intent = state.newPaymentIntent({
    amount,
    currency,
    customer,
    metadata: formStringMap(form, "metadata"),
    paymentMethod,
  });
  if (formBoolean(form, "confirm") !== true) return intent;
  if (!paymentMethod)
    throw new StripeSimError(400, "invalid_request_error", "Confirming needs a payment_method.", {
      param: "payment_method",
    });
  if (customer && state.cardOutcomes.get(customer) === "decline") {
    intent.status = "requires_payment_method";
    intent.last_payment_error = declineError();
    state.emit("payment_intent.payment_failed", intent);
    throw new StripeSimError(402, "card_error", "Your card was declined.", {
      code: "card_declined",
      decline_code: "generic_decline",
      payment_intent: structuredClone(intent),
    });
  }
  const charge = state.chargeIntent(intent);
  state.emit("payment_intent.succeeded", intent);
  state.emit("charge.succeeded", charge);
  return intent;
}

export function createRefund(state: StripeState, form: FormObject): Refund {
  const intentId = formString(form, "payment_intent");
  const chargeId = formString(form, "charge") ?? (intentId ? state.paymentIntent(intentId).latest_charge : null);
  if (!chargeId)
    throw new StripeSimError(400, "invalid_request_error", "A charge or a paid payment_intent is required.", {
      param: "charge",
    });
  const charge = state.charge(chargeId);
  const left = charge.amount - charge.amount_refunded;
  const amount = formInteger(form, "amount") ?? left;
  if (amount <= 0 || amount > left)
    throw new StripeSimError(400, "invalid_request_error", `Refund amount must be between 1 and ${left}.`, {
      code: "amount_too_large",
      param: "amount",
    });
  const refund: Refund = {
    id: newId("re"),
    object: "refund",
    amount,
    charge: charge.id,
    payment_intent: charge.payment_intent,
    currency: charge.currency,
    status: "succeeded",
    reason: formString(form, "reason") ?? null,
    metadata: formStringMap(form, "metadata"),
    created: nowSeconds(),
  };
  state.refunds.set(refund.id, refund);
  const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  state.emit("refund.created", refund, { customer: charge.customer });
  state.emit("charge.refunded", charge, { previous });
  return refund;
}

export function openDispute(state: StripeState, chargeId: string, amount?: number): Dispute {
  const charge = state.charge(chargeId);
  const dispute: Dispute = {
    id: newId("dp"),
    object: "dispute",
    amount: amount ?? charge.amount,
    charge: charge.id,
    payment_intent: charge.payment_intent,
    currency: charge.currency,
    reason: "fraudulent",
    status: "needs_response",
    created: nowSeconds(),
    livemode: false,
  };
  state.disputes.set(dispute.id, dispute);
  charge.disputed = true;
  state.emit("charge.dispute.created", dispute, { customer: charge.customer });
  return dispute;
}

export function closeDispute(state: StripeState, disputeId: string, status: "won" | "lost"): Dispute {
  const dispute = state.dispute(disputeId);
  const previous = { status: dispute.status };
  dispute.status = status;
  const customer = state.charge(dispute.charge).customer;
  state.emit("charge.dispute.closed", dispute, { previous, customer });
  return dispute;
}
