/**
 * Webhook delivery as Stripe does it (https://docs.stripe.com/webhooks#verify-manually): the body is the event's JSON,
 * `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` where the key is the whole `whsec_…` secret and the
 * message is `<t>.<body>`. Each attempt is signed at send time.
 *
 * With an endpoint URL the simulator POSTs each event there (npm run dev). Without one, or while held, signed
 * deliveries wait in an outbox that a test takes (`POST /_sim/outbox/take`) and relays to the worker itself: the
 * worker under test has no port of its own. Delivery order, repeats and staleness are then the test's to choose.
 */
import { createHmac } from "node:crypto";
import type { StripeEvent } from "./objects.ts";

export interface SignedDelivery {
  eventId: string;
  type: string;
  /** The customer the event is about, for filtering the outbox per test account. */
  customer: string | null;
  payload: string;
  signature: string;
}

export function signPayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

export interface WebhookSender {
  /** Records the event and delivers (or queues) a signed copy. */
  send(event: StripeEvent, customer: string | null): void;
  /** Signs the stored event again and delivers (or queues) it: Stripe's "resend". */
  resend(eventId: string): boolean;
  /** Removes and returns the queued deliveries (of one customer, when given), oldest first. */
  take(customer: string | null): SignedDelivery[];
  event(eventId: string): StripeEvent | undefined;
  events(): StripeEvent[];
  setEndpoint(url: string | null): void;
}

/** Past this many events the oldest are dropped, so a long dev session cannot grow without bound. */
const MAX_EVENTS = 5_000;

export function createWebhookSender(options: {
  secret: string;
  endpoint: string | null;
  log: (line: string) => void;
}): WebhookSender {
  let endpoint = options.endpoint;
  const stored = new Map<string, { event: StripeEvent; customer: string | null }>();
  let outbox: SignedDelivery[] = [];

  const dispatch = (event: StripeEvent, customer: string | null) => {
    const payload = JSON.stringify(event, null, 2);
    const delivery: SignedDelivery = {
      eventId: event.id,
      type: event.type,
      customer,
      payload,
      signature: signPayload(payload, options.secret),
    };
    if (!endpoint) {
      outbox.push(delivery);
      return;
    }
    const target = endpoint;
    fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": delivery.signature },
      body: payload,
    }).then(
      async (response) => {
        await response.arrayBuffer();
        options.log(`webhook ${event.type} ${event.id} -> ${response.status}`);
      },
      () => options.log(`webhook ${event.type} ${event.id} -> unreachable`),
    );
  };

  return {
    send(event, customer) {
      stored.set(event.id, { event, customer });
      if (stored.size > MAX_EVENTS) stored.delete(stored.keys().next().value ?? "");
      dispatch(event, customer);
    },
    resend(eventId) {
      const entry = stored.get(eventId);
      if (!entry) return false;
      dispatch(entry.event, entry.customer);
      return true;
    },
    take(customer) {
      const taken = outbox.filter((delivery) => customer === null || delivery.customer === customer);
      outbox = outbox.filter((delivery) => !taken.includes(delivery));
      return taken;
    },
    event: (eventId) => stored.get(eventId)?.event,
    events: () => [...stored.values()].map((entry) => entry.event),
    setEndpoint(url) {
      endpoint = url;
    },
  };
}
