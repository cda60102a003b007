import { describe, expect, it } from "vitest";
import { FILTERED, maskSecrets, scrubSentryEvent } from "./scrub-sentry-event.ts";

const KEY = `sk-omni-${"a1B2".repeat(10)}`;

describe("scrubSentryEvent", () => {
  it("drops body, cookies, query string, user, user agent and every header but cf-ray", () => {
    const event = scrubSentryEvent({
      request: {
        url: "https://api.omnizen.test/v1/chat/completions",
        data: '{"messages":"prompt"}',
        cookies: { session: "s" },
        query_string: "secret=1",
        headers: {
          Authorization: `Bearer ${KEY}`,
          "X-Api-Key": KEY,
          Cookie: "session=s",
          "cf-connecting-ip": "203.0.113.9",
          "x-forwarded-for": "203.0.113.9",
          "User-Agent": "ua",
          "cf-ray": "ray",
        },
      },
      user: { ip_address: "203.0.113.9" },
      contexts: {
        browser: { name: "Chrome", version: "120" },
        os: { name: "Windows" },
        device: { family: "Desktop" },
        runtime: { name: "cloudflare" },
      },
    });
    expect(event).toEqual({
      request: { url: "https://api.omnizen.test/v1/chat/completions", headers: { "cf-ray": "ray" } },
      contexts: { runtime: { name: "cloudflare" } },
    });
  });

  it("masks keys and bearer tokens in every string, however deep", () => {
    const original = {
      request: { url: "https://api.omnizen.test/v1/models" },
      exception: { values: [{ value: `failed for ${KEY}`, frames: [{ vars: { header: `Bearer abc.def-ghi` } }] }] },
      extra: { note: `authorization: bearer ${KEY}` },
      breadcrumbs: [{ message: KEY }],
    };
    const event = scrubSentryEvent(original);
    expect(JSON.stringify(event)).not.toContain(KEY);
    expect(event.exception.values[0]?.value).toBe(`failed for ${FILTERED}`);
    expect(event.exception.values[0]?.frames[0]?.vars.header).toBe(`Bearer ${FILTERED}`);
    expect(event.extra.note).toBe(`authorization: Bearer ${FILTERED}`);
    expect(event.breadcrumbs[0]?.message).toBe(FILTERED);
  });

  it("survives cycles and leaves class instances alone", () => {
    const cyclic: Record<string, unknown> = { text: KEY };
    cyclic.self = cyclic;
    const request = new Request("https://example.test/");
    const original = { request: {}, extra: cyclic, sdkProcessingMetadata: { request } };
    const event = scrubSentryEvent(original);
    expect(cyclic.text).toBe(FILTERED);
    expect(event.sdkProcessingMetadata.request).toBe(request);
  });

  it("leaves text without secrets unchanged", () => {
    expect(maskSecrets("The upstream provider (deepseek) failed with status 500.")).toBe(
      "The upstream provider (deepseek) failed with status 500.",
    );
  });
});
