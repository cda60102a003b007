/**
 * Clerk webhooks (POST /webhooks/clerk): Svix signatures checked on the raw body before parsing, idempotency on
 * svix-id, user.created / user.updated upserts (older events skipped), user.deleted, unknown events ignored.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../db/schema.ts";
import { bearer, chatBody, gatewayFetch, grantTestCredit, withDatabase } from "./support/gateway.ts";
import { dashboardFetch, newClerkUserId, sessionToken, svixHeaders } from "./support/dashboard.ts";

interface UserFields {
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  phone?: string | null;
  updated_at?: number;
}

/**
 * A Clerk `user.*` event envelope with `UserJSON` data (the fields Clerk sends that omnizen reads, and some it does
 * not).
 */
function userEvent(type: string, clerkUserId: string, fields: UserFields = {}): string {
  const email = fields.email === undefined ? `${clerkUserId}@example.test` : fields.email;
  return JSON.stringify({
    type,
    object: "event",
    timestamp: Date.now(),
    instance_id: "ins_test",
    event_attributes: { http_request: { client_ip: "203.0.113.9", user_agent: "Mozilla/5.0" } },
    data: {
      object: "user",
      id: clerkUserId,
      first_name: fields.first_name === undefined ? "Rahim" : fields.first_name,
      last_name: fields.last_name === undefined ? "Uddin" : fields.last_name,
      image_url: "https://img.clerk.com/x",
      primary_email_address_id: email ? "idn_email_1" : null,
      email_addresses: [
        {
          id: "idn_email_0",
          object: "email_address",
          email_address: "old@example.test",
          verification: { status: "verified" },
          linked_to: [],
        },
        ...(email
          ? [
              {
                id: "idn_email_1",
                object: "email_address",
                email_address: email,
                verification: { status: "verified" },
                linked_to: [],
              },
            ]
          : []),
      ],
      primary_phone_number_id: fields.phone ? "idn_phone_1" : null,
      phone_numbers: fields.phone
        ? [
            {
              id: "idn_phone_1",
              object: "phone_number",
              phone_number: fields.phone,
              verification: { status: "verified" },
              linked_to: [],
            },
          ]
        : [],
      private_metadata: {},
      public_metadata: {},
      unsafe_metadata: {},
      created_at: 1_700_000_000_000,
      updated_at: fields.updated_at ?? Date.now(),
    },
  });
}

async function deliver(body: string, headers?: Record<string, string>): Promise<Response> {
  return gatewayFetch("/webhooks/clerk", { method: "POST", headers: headers ?? (await svixHeaders(body)), body });
}

const rowOf = async (clerkUserId: string) =>
  (await withDatabase((db) => db.select().from(users).where(eq(users.clerkUserId, clerkUserId))))[0];

describe("signature", () => {
  it("refuses a bad signature, a stale timestamp and missing headers with 400 in OpenAI's shape, before parsing", async () => {
    const clerkUserId = newClerkUserId();
    const body = userEvent("user.created", clerkUserId);
    const wrongSecret = await svixHeaders(body, { secret: `whsec_${btoa("another secret of enough length")}` });
    const stale = await svixHeaders(body, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    const tampered = await svixHeaders(body);
    const cases: Array<[string, Record<string, string>]> = [
      [body, wrongSecret],
      [body, stale],
      [body.replace("Rahim", "Karim"), tampered],
      [body, { "content-type": "application/json" }],
      ["{not json", await svixHeaders("{not json", { secret: `whsec_${btoa("another secret of enough length")}` })],
    ];
    for (const [payload, headers] of cases) {
      const response = await deliver(payload, headers);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: "invalid_webhook_signature", type: "invalid_request_error", param: null },
      });
    }
    expect(await rowOf(clerkUserId)).toBeUndefined();
  });
});

describe("user.created and user.updated", () => {
  it("creates the row with name, primary email and primary phone, then updates it", async () => {
    const clerkUserId = newClerkUserId();
    const created = await deliver(
      userEvent("user.created", clerkUserId, { phone: "+8801711111111", updated_at: 1_000 }),
    );
    expect(created.status).toBe(200);
    expect(await created.json()).toEqual({ received: true, outcome: "applied" });
    expect(await rowOf(clerkUserId)).toMatchObject({
      name: "Rahim Uddin",
      email: `${clerkUserId}@example.test`,
      phone: "+8801711111111",
    });

    await deliver(
      userEvent("user.updated", clerkUserId, {
        first_name: "Rahima",
        last_name: null,
        email: "new@example.test",
        phone: null,
        updated_at: 2_000,
      }),
    );
    const row = await rowOf(clerkUserId);
    expect(row).toMatchObject({ name: "Rahima", email: "new@example.test", phone: null });
    // Nothing of the rest of the payload is stored (IP, user agent, metadata).
    expect(JSON.stringify(row)).not.toContain("203.0.113.9");
  });

  it("fills in the row a first dashboard request created before the webhook arrived", async () => {
    const clerkUserId = newClerkUserId();
    const first = (await (await dashboardFetch("/api/account", await sessionToken(clerkUserId))).json()) as {
      id: string;
      email: string | null;
    };
    expect(first.email).toBeNull();
    await deliver(userEvent("user.created", clerkUserId));
    const row = await rowOf(clerkUserId);
    expect(row).toMatchObject({ id: first.id, email: `${clerkUserId}@example.test` });
  });

  it("skips an event older than the one already applied (Svix retries arrive out of order)", async () => {
    const clerkUserId = newClerkUserId();
    await deliver(userEvent("user.updated", clerkUserId, { first_name: "Newer", updated_at: 5_000 }));
    const late = await deliver(userEvent("user.updated", clerkUserId, { first_name: "Older", updated_at: 4_000 }));
    expect(late.status).toBe(200);
    expect((await rowOf(clerkUserId))?.name).toBe("Newer Uddin");
  });

  it("is idempotent on svix-id: a replay of the same delivery is acknowledged and changes nothing", async () => {
    const clerkUserId = newClerkUserId();
    const id = `msg_${crypto.randomUUID()}`;
    const original = userEvent("user.created", clerkUserId, { first_name: "Original", updated_at: 1_000 });
    expect((await deliver(original, await svixHeaders(original, { id }))).status).toBe(200);
    const replay = userEvent("user.created", clerkUserId, { first_name: "Replayed", updated_at: 9_000 });
    const response = await deliver(replay, await svixHeaders(replay, { id }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: "duplicate" });
    expect((await rowOf(clerkUserId))?.name).toBe("Original Uddin");
  });
});

describe("other events", () => {
  it("acknowledges unknown event types and ignores them", async () => {
    const body = JSON.stringify({
      type: "session.created",
      object: "event",
      data: { id: "sess_1", user_id: newClerkUserId() },
    });
    const response = await deliver(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: "ignored" });
  });

  it("refuses a malformed user payload with 400 and never echoes it", async () => {
    const body = JSON.stringify({
      type: "user.updated",
      object: "event",
      data: { id: newClerkUserId(), first_name: "Secret Name" },
    });
    const response = await deliver(body);
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).not.toContain("Secret Name");
  });
});

describe("user.deleted", () => {
  it("deletes the account: its row goes and its API keys stop working at once", async () => {
    const clerkUserId = newClerkUserId();
    await deliver(userEvent("user.created", clerkUserId));
    await withDatabase(async (db) => {
      const [row] = await db.select({ id: users.id }).from(users).where(eq(users.clerkUserId, clerkUserId));
      await grantTestCredit(db, row?.id ?? "", 1_000_000);
    });
    const token = await sessionToken(clerkUserId);
    await dashboardFetch("/api/account/confirm-age", token, { method: "POST", body: { confirmed13OrOlder: true } });
    const key = (await (await dashboardFetch("/api/keys", token, { method: "POST", body: { name: "k" } })).json()) as {
      secret: string;
    };
    const complete = () =>
      gatewayFetch("/v1/chat/completions", { method: "POST", headers: bearer(key.secret), body: chatBody() });
    expect((await complete()).status).toBe(200);

    const response = await deliver(
      JSON.stringify({
        type: "user.deleted",
        object: "event",
        data: { object: "user", id: clerkUserId, deleted: true },
      }),
    );
    expect(response.status).toBe(200);
    expect(await rowOf(clerkUserId)).toBeUndefined();
    expect((await complete()).status).toBe(401);
    expect((await dashboardFetch("/api/account", token)).status).toBe(401);
  });

  it("marks the user deleted: a still-valid session token and a late user.updated do not recreate it", async () => {
    const clerkUserId = newClerkUserId();
    const token = await sessionToken(clerkUserId);
    const response = await deliver(
      JSON.stringify({
        type: "user.deleted",
        object: "event",
        data: { object: "user", id: clerkUserId, deleted: true },
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: "applied" });

    const refused = await dashboardFetch("/api/account", token);
    expect(refused.status).toBe(401);
    await deliver(userEvent("user.updated", clerkUserId));
    expect(await rowOf(clerkUserId)).toBeUndefined();
  });
});
