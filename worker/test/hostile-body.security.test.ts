/**
 * Hostile request bodies on /v1 (docs/api.md): the key is checked before any body error is reported, a body too
 * deep or too wide is a 400 in the surface's own error shape, and none of it is ever a 500 or a Sentry report.
 */
import { describe, expect, it } from "vitest";
import { JSON_LIMITS } from "../src/lib/json-limits.ts";
import { bearer, chatBody, gatewayFetch, seedAccount } from "./support/gateway.ts";
import { envelopesFor, waitForSentryEnvelope } from "./support/sentry-fake.ts";

const UNKNOWN_KEY = `sk-omni-${"R".repeat(40)}`;
const ENDPOINTS = ["/v1/chat/completions", "/v1/messages", "/v1/messages/count_tokens"] as const;
type Endpoint = (typeof ENDPOINTS)[number];

/** A body valid for `endpoint` except for `extra` inside the first message's first content block. */
function bodyWith(endpoint: Endpoint, extraJson: string): string {
  const base =
    endpoint === "/v1/chat/completions"
      ? {
          model: "deepseek/deepseek-flash",
          messages: [{ role: "user", content: [{ type: "text", text: "hi", extra: "__EXTRA__" }] }],
        }
      : {
          model: "anthropic/claude-haiku-5-5",
          max_tokens: 16,
          messages: [{ role: "user", content: [{ type: "text", text: "hi", extra: "__EXTRA__" }] }],
        };
  return JSON.stringify(base).replace('"__EXTRA__"', extraJson);
}

const deep = (levels: number) => "[".repeat(levels) + "]".repeat(levels);

/** Nested far beyond the limit: before the fix, JSON.stringify of the messages overflowed the stack (a 500). */
const DEEP = deep(200_000);

function post(
  endpoint: Endpoint,
  apiKey: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return gatewayFetch(endpoint, {
    method: "POST",
    headers: { ...bearer(apiKey), "anthropic-version": "2023-06-01", ...headers },
    body,
  });
}

/** The surface's error shape, asserted whole. */
async function expectError(response: Response, endpoint: Endpoint, status: number, type: string): Promise<string> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as Record<string, unknown>;
  if (endpoint === "/v1/chat/completions") {
    expect(body).toEqual({
      error: {
        message: expect.any(String),
        type,
        param: expect.toSatisfy((value) => value === null || typeof value === "string"),
        code: expect.any(String),
      },
    });
    return (body.error as { message: string }).message;
  }
  expect(body).toEqual({
    type: "error",
    error: { type, message: expect.any(String) },
    request_id: expect.stringMatching(/^req_/),
  });
  return (body.error as { message: string }).message;
}

describe("a body is never looked at for an unknown key", () => {
  for (const endpoint of ENDPOINTS) {
    it(`${endpoint}: an unknown key with a deeply nested body gets 401 and no Sentry report`, async () => {
      const response = await post(endpoint, UNKNOWN_KEY, bodyWith(endpoint, DEEP));
      await expectError(response, endpoint, 401, "authentication_error");

      // A reported failure sent afterwards: once its report arrived, one for the request above would have too.
      const { apiKey } = await seedAccount();
      const sentinel = await gatewayFetch("/v1/chat/completions", {
        method: "POST",
        headers: bearer(apiKey),
        body: chatBody({ messages: [{ role: "user", content: "[[sim error=500]]" }] }),
      });
      expect(sentinel.status).toBe(502);
      await waitForSentryEnvelope(sentinel.headers.get("x-request-id") ?? "");
      expect(await envelopesFor(response.headers.get("x-request-id") ?? "")).toEqual([]);
    });

    it(`${endpoint}: an unknown key gets 401 for malformed JSON, a wrong type and an unknown model`, async () => {
      for (const body of [
        "{not json",
        '{"model": 5, "messages": "x"}',
        bodyWith(endpoint, "1").replace(/"model":"[^"]+"/, '"model":"nobody/no-model"'),
      ]) {
        await expectError(await post(endpoint, UNKNOWN_KEY, body), endpoint, 401, "authentication_error");
      }
    });
  }
});

describe("a known key learns what is wrong with its body", () => {
  for (const endpoint of ENDPOINTS) {
    it(`${endpoint}: nesting beyond ${JSON_LIMITS.maxDepth} levels is a 400 in the surface's shape; at the limit it is served`, async () => {
      const { apiKey } = await seedAccount();
      const message = await expectError(
        await post(endpoint, apiKey, bodyWith(endpoint, DEEP)),
        endpoint,
        400,
        "invalid_request_error",
      );
      expect(message).toBe(`The request body is nested more than ${JSON_LIMITS.maxDepth} levels deep.`);
      // The root object, messages, the message, content and the block take 5 levels: the rest may be used.
      const atLimit = await post(endpoint, apiKey, bodyWith(endpoint, deep(JSON_LIMITS.maxDepth - 5)));
      expect(atLimit.status).toBe(200);
      await expectError(
        await post(endpoint, apiKey, bodyWith(endpoint, deep(JSON_LIMITS.maxDepth - 4))),
        endpoint,
        400,
        "invalid_request_error",
      );
    });

    it(`${endpoint}: an array of more than ${JSON_LIMITS.maxEntries} entries is a 400`, async () => {
      const { apiKey } = await seedAccount();
      const wide = `[${"0,".repeat(JSON_LIMITS.maxEntries)}0]`;
      const message = await expectError(
        await post(endpoint, apiKey, bodyWith(endpoint, wide)),
        endpoint,
        400,
        "invalid_request_error",
      );
      expect(message).toBe(`An array or object in the request body has more than ${JSON_LIMITS.maxEntries} entries.`);
    });

    it(`${endpoint}: more than ${JSON_LIMITS.maxValues} values in total is a 400`, async () => {
      const { apiKey } = await seedAccount();
      const chunk = `[${"0,".repeat(JSON_LIMITS.maxEntries - 1)}0]`;
      const many = `[${Array.from({ length: JSON_LIMITS.maxValues / JSON_LIMITS.maxEntries + 1 }, () => chunk).join(",")}]`;
      const message = await expectError(
        await post(endpoint, apiKey, bodyWith(endpoint, many)),
        endpoint,
        400,
        "invalid_request_error",
      );
      expect(message).toBe(`The request body holds more than ${JSON_LIMITS.maxValues} JSON values.`);
    });
  }

  it("an unknown key with a body over the size limit gets 401; a known key gets 413", async () => {
    const { apiKey } = await seedAccount();
    const huge = "x".repeat(11 * 1024 * 1024);
    for (const endpoint of ENDPOINTS) {
      await expectError(await post(endpoint, UNKNOWN_KEY, huge), endpoint, 401, "authentication_error");
      await expectError(
        await post(endpoint, apiKey, huge),
        endpoint,
        413,
        endpoint === "/v1/chat/completions" ? "invalid_request_error" : "request_too_large",
      );
    }
  });

  it("a Messages request converted into more messages than one call can spread is answered, not a 500", async () => {
    const { apiKey } = await seedAccount();
    // Each tool_result becomes its own tool message: about 200,000 of them, within every limit.
    const results = `[${Array.from({ length: JSON_LIMITS.maxEntries - 1 }, (_, index) => `{"type":"tool_result","tool_use_id":"t${index}"}`).join(",")}]`;
    const body = `{"model":"deepseek/deepseek-flash","max_tokens":16,"messages":[{"role":"user","content":${results}},{"role":"assistant","content":"ok"},{"role":"user","content":${results}}]}`;
    const response = await post("/v1/messages", apiKey, body);
    expect(response.status).toBeLessThan(500);
  });

  it("an unknown method on /v1/messages answers 404 in Anthropic's shape (found by the fuzzer)", async () => {
    const { apiKey } = await seedAccount();
    for (const endpoint of ["/v1/messages", "/v1/messages/count_tokens"] as const) {
      const response = await gatewayFetch(endpoint, { method: "DELETE", headers: bearer(apiKey) });
      await expectError(response, endpoint, 404, "not_found_error");
    }
  });
});
