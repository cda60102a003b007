/**
 * Idempotency of inbound webhooks on their delivery id (`svix-id` for Clerk): the first delivery claims the id in
 * Redis (`SET NX`, kept a week, longer than Svix's retry schedule of about a day and a half); a replay finds it
 * claimed and is acknowledged without effect. A delivery whose handling fails releases its claim, so that the
 * sender's retry runs it again.
 */
import type { Redis } from "@upstash/redis/cloudflare";

export const WEBHOOK_DELIVERY_TTL_SECONDS = 7 * 24 * 3600;

const deliveryKey = (source: string, deliveryId: string) => `omz:webhook:${source}:${deliveryId}`;

/** True when this call claimed the id (first delivery); false for a replay. */
export async function claimWebhookDelivery(redis: Redis, source: string, deliveryId: string): Promise<boolean> {
  const reply = await redis.set(deliveryKey(source, deliveryId), "1", { nx: true, ex: WEBHOOK_DELIVERY_TTL_SECONDS });
  return reply === "OK";
}

export async function releaseWebhookDelivery(redis: Redis, source: string, deliveryId: string): Promise<void> {
  await redis.del(deliveryKey(source, deliveryId));
}
