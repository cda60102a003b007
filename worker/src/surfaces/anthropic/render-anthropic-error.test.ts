import {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from "@anthropic-ai/sdk/core/error";
import { describe, expect, it } from "vitest";
import { describeErrorCode, GatewayError, type ErrorCode } from "../../errors.ts";
import { anthropicErrorType, renderAnthropicError } from "./render-anthropic-error.ts";

describe("anthropicErrorType", () => {
  it("follows Anthropic's status table", () => {
    const table: Array<[number, string]> = [
      [400, "invalid_request_error"],
      [401, "authentication_error"],
      [402, "billing_error"],
      [403, "permission_error"],
      [404, "not_found_error"],
      [413, "request_too_large"],
      [429, "rate_limit_error"],
      [500, "api_error"],
      [502, "api_error"],
      [503, "overloaded_error"],
      [504, "timeout_error"],
      [529, "overloaded_error"],
      [418, "api_error"],
    ];
    for (const [status, type] of table) expect([status, anthropicErrorType(status)]).toEqual([status, type]);
  });
});

describe("renderAnthropicError", () => {
  it("renders {type: 'error', error: {type, message}, request_id} for every gateway error code", () => {
    const codes: ErrorCode[] = [
      "missing_api_key",
      "invalid_api_key",
      "invalid_json",
      "invalid_request",
      "model_not_found",
      "not_found",
      "request_too_large",
      "rate_limited",
      "upstream_rate_limited",
      "upstream_error",
      "upstream_unavailable",
      "upstream_timeout",
      "provider_not_configured",
      "internal_error",
    ];
    for (const code of codes) {
      const error = new GatewayError(code, `message for ${code}`);
      expect(renderAnthropicError(error, "req_42")).toEqual({
        type: "error",
        error: { type: anthropicErrorType(describeErrorCode(code).status), message: `message for ${code}` },
        request_id: "req_42",
      });
    }
  });

  it("is read by the Anthropic SDK as the matching typed error", () => {
    const sdkErrorOf = (error: GatewayError) =>
      APIError.generate(error.status, renderAnthropicError(error, "req_1"), undefined, new Headers(error.headers));
    const invalid = sdkErrorOf(
      new GatewayError("invalid_request", "Invalid max_tokens: required", { param: "max_tokens" }),
    );
    expect(invalid).toBeInstanceOf(BadRequestError);
    expect(invalid).toMatchObject({
      status: 400,
      type: "invalid_request_error",
      apiMessage: "Invalid max_tokens: required",
    });
    expect(sdkErrorOf(new GatewayError("invalid_api_key", "bad key"))).toBeInstanceOf(AuthenticationError);
    expect(sdkErrorOf(new GatewayError("model_not_found", "no such model"))).toBeInstanceOf(NotFoundError);
    const limited = sdkErrorOf(
      new GatewayError("upstream_rate_limited", "slow down", { headers: { "retry-after": "7" } }),
    );
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toMatchObject({ type: "rate_limit_error" });
    expect(limited.headers?.get("retry-after")).toBe("7");
    expect(sdkErrorOf(new GatewayError("upstream_unavailable", "down"))).toMatchObject({
      status: 503,
      type: "overloaded_error",
    });
    expect(sdkErrorOf(new GatewayError("internal_error", "oops"))).toBeInstanceOf(InternalServerError);
  });
});
