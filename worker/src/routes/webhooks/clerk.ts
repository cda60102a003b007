/**
 * `POST /webhooks/clerk`: Clerk's user events, delivered through Svix (https://clerk.com/docs/guides/development/webhooks/syncing).
 * 1. The signature (`svix-id`, `svix-timestamp`, `svix-signature`; HMAC-SHA256 under `CLERK_WEBHOOK_SIGNING_SECRET`,
 *    5-minute tolerance) is verified on the raw body before anything is parsed; a bad one is a 400.
 * 2. The delivery is idempotent on `svix-id` (services/identity/webhook-deliveries.ts): it is marked done only after
 *    its effect is committed. A replay of a done delivery answers 200 and does nothing; a copy arriving while another
 *    run holds the delivery answers 409 (Svix retries it); a run cut off midway leaves only a one-minute claim, so
 *    the next retry processes it again.
 * 3. `user.created` / `user.updated` copy name, primary email and primary phone into our row (an older event than the
 *    one applied is skipped); `user.deleted` deletes the account (`onUserDeleted`). Other events: 200, ignored.
 * Answers `{ "received": true, "outcome": "applied" | "duplicate" | "ignored" }`. A failure answers 500 and releases
 * the delivery id, so Svix retries it; a malformed payload (400) is marked done, as a retry cannot fix it. Nothing
 * from the payload is logged.
 */
import { verifyWebhook } from "@clerk/backend/webhooks";
import { Hono } from "hono";
import * as z from "zod";
import type { AppEnv } from "../../app-env.ts";
import { GatewayError } from "../../errors.ts";
import {
  applyClerkProfile,
  clerkUserJsonSchema,
  profileFromClerkUser,
} from "../../services/identity/clerk-user-sync.ts";
import { isClerkUserDeleted } from "../../services/identity/deleted-users.ts";
import { onUserDeleted } from "../../services/identity/user-deleted.ts";
import {
  claimWebhookDelivery,
  completeWebhookDelivery,
  releaseWebhookDelivery,
} from "../../services/identity/webhook-deliveries.ts";

const envelopeSchema = z.object({ type: z.string(), data: z.unknown() });
const deletedUserSchema = z.object({ id: z.string().min(1) });

type Outcome = "applied" | "duplicate" | "ignored";

export const clerkWebhookRoutes = new Hono<AppEnv>();

clerkWebhookRoutes.post("/", async (context) => {
  const config = context.get("config");
  const secret = config.CLERK_WEBHOOK_SIGNING_SECRET;
  if (!secret)
    throw new GatewayError(
      "service_not_configured",
      "Clerk webhooks are not configured on this gateway (CLERK_WEBHOOK_SIGNING_SECRET).",
    );
  let event: unknown;
  try {
    event = await verifyWebhook(context.req.raw, { signingSecret: secret });
  } catch {
    throw new GatewayError(
      "invalid_webhook_signature",
      "The webhook signature (svix-id, svix-timestamp, svix-signature) is missing, stale or wrong.",
    );
  }
  const envelope = envelopeSchema.safeParse(event);
  if (!envelope.success) throw new GatewayError("invalid_request", "The webhook payload is not a Clerk event.");
  const { type, data } = envelope.data;
  if (type !== "user.created" && type !== "user.updated" && type !== "user.deleted") {
    return context.json({ received: true, outcome: "ignored" satisfies Outcome });
  }

  // verifyWebhook refuses a delivery without svix-id, so it is present here.
  const deliveryId = context.req.header("svix-id") ?? "";
  const redis = context.get("redis");
  const claim = await claimWebhookDelivery(redis, "clerk", deliveryId);
  if (claim === "done") return context.json({ received: true, outcome: "duplicate" satisfies Outcome });
  if (claim === "in-progress") {
    throw new GatewayError("conflict", "This delivery is being processed by an earlier attempt; retry it later.");
  }
  try {
    if (type === "user.deleted") {
      const user = deletedUserSchema.safeParse(data);
      if (!user.success) throw new GatewayError("invalid_request", "The user.deleted event has no user id.");
      await onUserDeleted(config, { database: context.get("services").database, redis }, user.data.id);
    } else {
      const user = clerkUserJsonSchema.safeParse(data);
      if (!user.success) throw new GatewayError("invalid_request", `The ${type} event's user is malformed.`);
      // A late retry for a deleted user must not bring the row back.
      if (!(await isClerkUserDeleted(redis, user.data.id))) {
        await applyClerkProfile(context.get("services").database(), profileFromClerkUser(user.data));
      }
    }
  } catch (error) {
    // A malformed payload will not improve on retry; anything else (Postgres, Redis) may.
    const close =
      error instanceof GatewayError && error.code === "invalid_request"
        ? completeWebhookDelivery
        : releaseWebhookDelivery;
    await close(redis, "clerk", deliveryId).catch(() => undefined);
    throw error;
  }
  // The effect is committed: only now is the delivery done.
  await completeWebhookDelivery(redis, "clerk", deliveryId);
  return context.json({ received: true, outcome: "applied" satisfies Outcome });
});
