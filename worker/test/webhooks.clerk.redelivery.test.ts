/**
 * Clerk webhook deliveries are marked done only after their effect is committed (webhook-deliveries.ts): a copy that
 * arrives while the first run is stuck is not acknowledged as a duplicate, and a run cut off midway is processed
 * again on redelivery once its short claim lapses.
 */
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../db/schema.ts";
import { WEBHOOK_CLAIM_SECONDS, webhookDeliveryKey } from "../src/services/identity/webhook-deliveries.ts";
import { newClerkUserId, svixHeaders } from "./support/dashboard.ts";
import { gatewayFetch, withDatabase } from "./support/gateway.ts";
import { testRedis } from "./support/stand-ins.ts";

function userUpdated(clerkUserId: string, firstName: string): string {
  return JSON.stringify({
    type: "user.updated",
    object: "event",
    data: {
      id: clerkUserId,
      first_name: firstName,
      last_name: "Uddin",
      primary_email_address_id: null,
      email_addresses: [],
      primary_phone_number_id: null,
      phone_numbers: [],
      updated_at: Date.now(),
    },
  });
}

async function deliver(body: string, deliveryId: string): Promise<Response> {
  return gatewayFetch("/webhooks/clerk", {
    method: "POST",
    headers: await svixHeaders(body, { id: deliveryId }),
    body,
  });
}

const nameOf = async (clerkUserId: string) =>
  (await withDatabase((db) => db.select().from(users).where(eq(users.clerkUserId, clerkUserId))))[0]?.name;

async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Holds a row lock on the user's row until `release` is called, so the webhook's upsert blocks midway. */
function lockUserRow(clerkUserId: string): { locked: Promise<void>; release: () => void; done: Promise<void> } {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let signalLocked: () => void = () => {};
  const locked = new Promise<void>((resolve) => (signalLocked = resolve));
  const done = withDatabase((db) =>
    db.transaction(async (transaction) => {
      await transaction.execute(sql`SELECT id FROM users WHERE clerk_user_id = ${clerkUserId} FOR UPDATE`);
      signalLocked();
      await released;
    }),
  );
  return { locked, release, done };
}

describe("redelivery of a delivery that has not committed", () => {
  it("answers a copy 409 while the first run is stuck, processes it again once the claim lapses, and only then says duplicate", async () => {
    const clerkUserId = newClerkUserId();
    const created = await deliver(userUpdated(clerkUserId, "Before"), `msg_${crypto.randomUUID()}`);
    expect(await created.json()).toMatchObject({ outcome: "applied" });

    const deliveryId = `msg_${crypto.randomUUID()}`;
    const body = userUpdated(clerkUserId, "After");
    const redis = testRedis();
    const lock = lockUserRow(clerkUserId);
    await lock.locked;
    // The first run claims the delivery, then blocks on the row: it has not committed anything.
    const first = deliver(body, deliveryId);
    await waitFor(
      async () => (await redis.exists(webhookDeliveryKey("clerk", deliveryId))) === 1,
      "the first run's claim",
    );

    const copy = await deliver(body, deliveryId);
    expect(copy.status).toBe(409);
    expect(await copy.json()).toMatchObject({ error: { code: "conflict" } });
    expect(await nameOf(clerkUserId)).toBe("Before Uddin");
    // The claim of an unfinished run is short: a run that is cut off here (its isolate gone) blocks nothing for long.
    const claimMs = await redis.pttl(webhookDeliveryKey("clerk", deliveryId));
    expect(claimMs).toBeGreaterThan(0);
    expect(claimMs).toBeLessThanOrEqual(WEBHOOK_CLAIM_SECONDS * 1000);

    // Time passes as if the first run had died: its claim lapses, and Svix's next retry is processed again.
    await redis.pexpire(webhookDeliveryKey("clerk", deliveryId), 1);
    await waitFor(
      async () => (await redis.exists(webhookDeliveryKey("clerk", deliveryId))) === 0,
      "the claim to lapse",
    );
    const retry = deliver(body, deliveryId);
    lock.release();
    await lock.done;
    const retried = await retry;
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ outcome: "applied" });
    await first;
    expect(await nameOf(clerkUserId)).toBe("After Uddin");

    // Committed: now a replay is a duplicate, remembered for the week of Svix's retries.
    const replay = await deliver(body, deliveryId);
    expect(await replay.json()).toMatchObject({ outcome: "duplicate" });
    expect(await redis.ttl(webhookDeliveryKey("clerk", deliveryId))).toBeGreaterThan(6 * 24 * 3600);
  });
});
