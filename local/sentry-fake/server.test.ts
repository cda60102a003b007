import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSentryFake, type SentryFake } from "./server.ts";

let fake: SentryFake;
beforeAll(async () => {
  fake = await startSentryFake();
});
afterAll(() => fake.close());

function envelope(eventId: string, attachment: string): string {
  return [
    JSON.stringify({ event_id: eventId, sent_at: new Date().toISOString(), dsn: fake.dsn() }),
    JSON.stringify({ type: "event" }),
    JSON.stringify({ event_id: eventId, tags: { request_id: "req_1" } }),
    JSON.stringify({ type: "attachment", length: Buffer.byteLength(attachment) }),
    attachment,
  ].join("\n");
}

describe("fake Sentry", () => {
  it("records envelopes sent to a DSN's ingest URL and returns them", async () => {
    const eventId = "0123456789abcdef0123456789abcdef";
    const attachment = "two\nlines é";
    const response = await fetch(`${fake.url}/api/42/envelope/?sentry_key=publickey&sentry_version=7`, {
      method: "POST",
      body: envelope(eventId, attachment),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: eventId });

    const { envelopes } = (await (await fetch(`${fake.url}/_envelopes`)).json()) as {
      envelopes: Array<{ projectId: string; url: string; items: Array<{ header: unknown; payload: unknown }> }>;
    };
    const last = envelopes.at(-1);
    expect(last?.projectId).toBe("42");
    expect(last?.url).toContain("sentry_key=publickey");
    expect(last?.items).toEqual([
      { header: { type: "event" }, payload: { event_id: eventId, tags: { request_id: "req_1" } } },
      { header: { type: "attachment", length: Buffer.byteLength(attachment) }, payload: attachment },
    ]);
  });

  it("refuses a malformed envelope, answers 404 elsewhere, and clears on DELETE", async () => {
    expect((await fetch(`${fake.url}/api/42/envelope/`, { method: "POST", body: "not json" })).status).toBe(400);
    expect((await fetch(`${fake.url}/api/42/store/`, { method: "POST", body: "{}" })).status).toBe(404);
    await fetch(`${fake.url}/_envelopes`, { method: "DELETE" });
    expect(fake.envelopes()).toEqual([]);
  });
});
