/**
 * Error reports to Sentry (policy section 6): a failure is reported with what identifies it (request id, route,
 * status, error type, stack frames) and nothing the caller sent. The bundled worker reports to the fake Sentry started
 * by the test setup (local/sentry-fake), whose received envelopes these tests read.
 */
import { describe, expect, it } from "vitest";
import { GatewayError } from "../src/errors.ts";
import { createErrorReporter } from "../src/services/error-reporter/create-error-reporter.ts";
import { GATEWAY, bearer, chatBody, gatewayFetch, seedAccount } from "./support/gateway.ts";
import {
  envelopesFor,
  eventOf,
  sentryEnvelopes,
  waitForSentryEnvelope,
  type ReceivedEnvelope,
} from "./support/sentry-fake.ts";
import { nonce } from "./support/simulator.ts";
import { binding } from "./support/stand-ins.ts";

const CALLER_IP = "203.0.113.77";
const USER_AGENT = "omnizen-privacy-test/1.0";

/** Everything a caller sends that must never reach Sentry, each unique to one test. */
function callerSecrets(apiKey: string) {
  return {
    prompt: `canary-prompt-${nonce()}`,
    apiKey,
    keyBody: apiKey.slice("sk-omni-".length),
    authorization: `Bearer ${apiKey}`,
    cookieValue: `cookie-${nonce()}`,
    querySecret: `query-${nonce()}`,
    ip: CALLER_IP,
  };
}

/** The whole envelope as sent (body and ingest URL): no secret may appear anywhere in it. */
function expectNoneOf(envelope: ReceivedEnvelope, secrets: Record<string, string>): void {
  const everything = `${envelope.url}\n${envelope.raw}`;
  for (const [what, value] of Object.entries(secrets)) {
    expect(everything.includes(value), `${what} leaked into the Sentry envelope`).toBe(false);
  }
  expect(everything).not.toContain("sk-omni-");
}

describe("Sentry error reports carry nothing the caller sent", () => {
  it("reports an upstream failure (502) with request id, route, status and error type, and no prompt, key, cookie, query or IP", async () => {
    const { apiKey } = await seedAccount();
    const secrets = callerSecrets(apiKey);
    const response = await gatewayFetch(`/v1/chat/completions?secret=${secrets.querySecret}&model=x`, {
      method: "POST",
      headers: {
        ...bearer(apiKey),
        cookie: `session=${secrets.cookieValue}; theme=dark`,
        "cf-connecting-ip": CALLER_IP,
        "user-agent": USER_AGENT,
      },
      body: chatBody({ messages: [{ role: "user", content: `${secrets.prompt} [[sim error=500]]` }] }),
    });
    expect(response.status).toBe(502);
    const requestId = response.headers.get("x-request-id") ?? "";
    expect(requestId).toMatch(/^req_[0-9a-f]{32}$/);

    const envelope = await waitForSentryEnvelope(requestId);
    const event = eventOf(envelope);
    // It is the report of this failure, so the negative checks below are not vacuous.
    expect(event?.tags).toMatchObject({
      request_id: requestId,
      route: "POST /v1/chat/completions",
      status: "502",
      error_code: "upstream_error",
    });
    expect(event?.environment).toBe("test");
    const exception = event?.exception?.values?.at(-1);
    expect(exception?.type).toBe("GatewayError");
    expect(exception?.value).toBe("The upstream provider (deepseek) failed with status 500.");
    expect(exception?.stacktrace?.frames?.length).toBeGreaterThan(0);
    expect(event?.request).toMatchObject({ url: `${GATEWAY}/v1/chat/completions`, method: "POST" });
    expect(event?.request?.headers ?? {}).toEqual({});
    // No user agent anywhere in the report (policy 1.4: it belongs to the 30-day operational log only).
    expect(JSON.stringify(envelope)).not.toContain(USER_AGENT);
    expect(event?.user).toBeUndefined();

    expectNoneOf(envelope, secrets);
  });

  it("never reports a refusal (400 bad JSON, 401 bad key)", async () => {
    const { apiKey } = await seedAccount();
    const secrets = callerSecrets(apiKey);
    const badJson = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(apiKey),
      body: `{"model":"deepseek/deepseek-flash","messages":[{"role":"user","content":"${secrets.prompt}"}], broken`,
    });
    expect(badJson.status).toBe(400);
    const badKey = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(`sk-omni-${"B".repeat(40)}`),
      body: chatBody(),
    });
    expect(badKey.status).toBe(401);

    // A failure sent after the refusals: once its report has arrived, a report of the refusals (sent earlier, from
    // their own onError) would have arrived too.
    const sentinel = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(apiKey),
      body: chatBody({ messages: [{ role: "user", content: "[[sim error=500]]" }] }),
    });
    expect(sentinel.status).toBe(502);
    await waitForSentryEnvelope(sentinel.headers.get("x-request-id") ?? "");

    expect(await envelopesFor(badJson.headers.get("x-request-id") ?? "")).toEqual([]);
    expect(await envelopesFor(badKey.headers.get("x-request-id") ?? "")).toEqual([]);
    expect((await sentryEnvelopes()).some((envelope) => envelope.raw.includes(secrets.prompt))).toBe(false);
  });
});

describe("the reporter keeps only our own messages", () => {
  /** Captures through the real reporter (toucan-js) to the fake Sentry, and waits for the send. */
  async function report(error: unknown, requestId: string, request: Request): Promise<ReceivedEnvelope> {
    const sends: Promise<unknown>[] = [];
    const reporter = createErrorReporter({
      dsn: binding("SENTRY_DSN"),
      environment: "test",
      executionContext: { waitUntil: (promise) => sends.push(promise) },
      request,
    });
    reporter.captureException(error, { requestId, route: "POST /v1/chat/completions", status: 500 });
    expect(sends.length).toBeGreaterThan(0);
    await Promise.all(sends);
    return waitForSentryEnvelope(requestId);
  }

  function callerRequest(secrets: ReturnType<typeof callerSecrets>): Request {
    return new Request(`${GATEWAY}/v1/chat/completions?secret=${secrets.querySecret}`, {
      method: "POST",
      headers: {
        authorization: secrets.authorization,
        "x-api-key": secrets.apiKey,
        cookie: `session=${secrets.cookieValue}`,
        "cf-connecting-ip": CALLER_IP,
      },
      body: JSON.stringify({ messages: [{ role: "user", content: secrets.prompt }] }),
    });
  }

  it("reports an unknown error by class name and stack frames, never its message or its cause's", async () => {
    const secrets = callerSecrets(`sk-omni-${"C".repeat(40)}`);
    const requestId = `req_${nonce()}`;
    const cause = new RangeError(`cause quoting ${secrets.prompt}`);
    const error = new TypeError(`Unexpected token in "${secrets.prompt}"\n    at fake (${secrets.prompt}:1:1)`, {
      cause,
    });
    const envelope = await report(error, requestId, callerRequest(secrets));

    const exceptions = eventOf(envelope)?.exception?.values ?? [];
    expect(exceptions.map((exception) => [exception.type, exception.value])).toEqual([
      ["RangeError", "RangeError"],
      ["TypeError", "TypeError"],
    ]);
    expect(exceptions.at(-1)?.stacktrace?.frames?.length).toBeGreaterThan(0);
    expectNoneOf(envelope, secrets);
  });

  it("masks keys and bearer tokens even in a message of ours (defence in depth)", async () => {
    const leakedKey = `sk-omni-${"D".repeat(40)}`;
    const secrets = callerSecrets(leakedKey);
    const requestId = `req_${nonce()}`;
    const envelope = await report(
      new GatewayError("internal_error", `bug: quoted ${secrets.authorization} and ${leakedKey}`),
      requestId,
      callerRequest(secrets),
    );

    expect(eventOf(envelope)?.exception?.values?.at(-1)?.value).toBe("bug: quoted Bearer [Filtered] and [Filtered]");
    expectNoneOf(envelope, secrets);
  });

  it("sends nothing without a DSN", () => {
    const sends: Promise<unknown>[] = [];
    const reporter = createErrorReporter({
      dsn: undefined,
      environment: "test",
      executionContext: { waitUntil: (promise) => sends.push(promise) },
      request: new Request(GATEWAY),
    });
    reporter.captureException(new Error("x"), { requestId: "req_none", route: "GET /", status: 500 });
    expect(sends).toEqual([]);
  });

  it("reports a stream that fails after the first byte, which never reaches onError", async () => {
    const { apiKey } = await seedAccount();
    const response = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "deepseek/deepseek-flash",
        stream: true,
        messages: [{ role: "user", content: "mid-stream-canary [[sim chunks=6 disconnect_after=2]]" }],
      }),
    });
    const requestId = response.headers.get("x-request-id") ?? "";
    expect(response.status).toBe(200);
    await response.text();
    const envelope = await waitForSentryEnvelope(requestId);
    expect(eventOf(envelope)?.tags).toMatchObject({
      request_id: requestId,
      status: "502",
      error_code: "upstream_error",
    });
    expect(JSON.stringify(envelope)).not.toContain("mid-stream-canary");
  });
});
