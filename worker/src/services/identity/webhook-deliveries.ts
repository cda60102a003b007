/**
 * Idempotency of inbound webhooks on their delivery id (`svix-id` for Clerk), in two steps so that a delivery is
 * marked done only after its effect is committed:
 * 1. `claimWebhookDelivery` takes a short in-progress claim (`SET NX`, `WEBHOOK_CLAIM_SECONDS`). A second copy of
 *    the delivery arriving meanwhile is answered 409, so the sender retries it later rather than counting it done.
 * 2. `completeWebhookDelivery`, called once the effect is committed, replaces the claim with a done marker kept a
 *    week (longer than Svix's retry schedule of about a day and a half): a replay then is acknowledged without effect.
 * A run that fails releases its claim (`releaseWebhookDelivery`), so that the retry runs it again at once. A run cut
 * off midway (isolate evicted, CPU limit, deploy) releases nothing: its claim lapses after `WEBHOOK_CLAIM_SECONDS`
 * and the sender's next retry (Svix: 5 s, 5 min, 30 min, ...) processes it again. Every handler is idempotent, so a
 * run that committed but died before marking done is harmless to repeat.
 */
import type { Redis } from "@upstash/redis/cloudflare";

export const WEBHOOK_DELIVERY_TTL_SECONDS = 7 * 24 * 3600;
/** Longer than any handler takes (a user deletion: a few seconds), far shorter than Svix's second retry (5 min). */
export const WEBHOOK_CLAIM_SECONDS = 60;

const IN_PROGRESS = "processing";
const DONE = "done";

export const webhookDeliveryKey = (source: string, deliveryId: string) => `omz:webhook:${source}:${deliveryId}`;

/** `claimed`: this call runs the delivery; `done`: already applied (a replay); `in-progress`: another run holds it. */
export type DeliveryClaim = "claimed" | "done" | "in-progress";

export async function claimWebhookDelivery(redis: Redis, source: string, deliveryId: string): Promise<DeliveryClaim> {
  const key = webhookDeliveryKey(source, deliveryId);
  const reply = await redis.set(key, IN_PROGRESS, { nx: true, ex: WEBHOOK_CLAIM_SECONDS });
  if (reply === "OK") return "claimed";
  // "1" is the marker of the earlier one-step scheme: those deliveries were applied.
  const state = await redis.get<string>(key);
  return state === DONE || state === "1" ? "done" : "in-progress";
}

/** Marks the delivery applied; call only after its effect is committed. */
export async function completeWebhookDelivery(redis: Redis, source: string, deliveryId: string): Promise<void> {
  await redis.set(webhookDeliveryKey(source, deliveryId), DONE, { ex: WEBHOOK_DELIVERY_TTL_SECONDS });
}

export async function releaseWebhookDelivery(redis: Redis, source: string, deliveryId: string): Promise<void> {
  await redis.del(webhookDeliveryKey(source, deliveryId));
}
