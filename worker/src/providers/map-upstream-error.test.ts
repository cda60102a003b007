import { describe, expect, it } from "vitest";
import { isAccountStateError, mapUpstreamError } from "./map-upstream-error.ts";

const map = (status: number, upstreamMessage: string | undefined) =>
  mapUpstreamError({ provider: "anthropic", status, headers: new Headers(), upstreamMessage, apiKey: "sk-ant-secret" });

describe("provider messages about omnizen's own account", () => {
  const accountMessages: Array<[number, string]> = [
    [
      400,
      "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
    ],
    [429, "You exceeded your current quota, please check your plan and billing details."],
    [400, "This organization has been disabled."],
    [402, "Insufficient Balance"],
    [401, "Incorrect API key provided: sk-proj-****abcd."],
    [403, "Forbidden"],
    [400, "Arrearage: your account is overdue"],
  ];

  it.each(accountMessages)(
    "%i %s: a generic 503 that names neither credit, quota, billing nor key",
    (status, message) => {
      const error = map(status, message);
      expect(error).toMatchObject({ code: "upstream_account_error", status: 503 });
      expect(error.message).not.toMatch(/credit|quota|billing|disabled|balance|key|organi[sz]ation/i);
      expect(error.message).not.toContain(message);
    },
  );

  it("keeps the caller's own request errors and the provider's rate limits as they were", () => {
    expect(map(400, "max_tokens: 100000 > 64000, which is the maximum allowed")).toMatchObject({
      code: "invalid_request",
      status: 400,
    });
    expect(map(429, "Number of request tokens has exceeded your per-minute rate limit")).toMatchObject({
      code: "upstream_rate_limited",
    });
    expect(map(500, "credit balance")).toMatchObject({ code: "upstream_error" });
    expect(isAccountStateError(413, "prompt is too long")).toBe(false);
  });
});
