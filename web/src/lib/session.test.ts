import { describe, expect, it } from "vitest";
import type { ApiClient } from "./api-client";
import { ApiError } from "./api-error";
import { isReverificationRequired, isSessionExpired, safeReturnTo, withSessionHandling } from "./session";

const expired = new ApiError({ status: 401, code: "unauthorized_session", message: "The session token expired." });
const reverify = new ApiError({ status: 403, code: "reverification_required", message: "Sign in again." });

function clientFailingWith(errors: unknown[]): { client: ApiClient; calls: () => number } {
  let calls = 0;
  const client = {
    getAccount: async () => {
      const error = errors[calls++];
      if (error) throw error;
      return { id: "user_1" };
    },
  } as unknown as ApiClient;
  return { client, calls: () => calls };
}

describe("session handling around the API client", () => {
  it("recognises the two refusals", () => {
    expect(isSessionExpired(expired)).toBe(true);
    expect(isSessionExpired(reverify)).toBe(false);
    expect(isReverificationRequired(reverify)).toBe(true);
    expect(isSessionExpired(new ApiError({ status: 401, code: "invalid_api_key", message: "x" }))).toBe(false);
  });

  it("an expired session signs out and the error still reaches the caller", async () => {
    const { client } = clientFailingWith([expired]);
    let expiredCount = 0;
    const wrapped = withSessionHandling(client, { onExpired: () => expiredCount++, onReverify: async () => false });
    await expect(wrapped.getAccount()).rejects.toBe(expired);
    expect(expiredCount).toBe(1);
  });

  it("a reverification retries the call once the user signed in again", async () => {
    const { client, calls } = clientFailingWith([reverify]);
    const wrapped = withSessionHandling(client, { onExpired: () => undefined, onReverify: async () => true });
    await expect(wrapped.getAccount()).resolves.toEqual({ id: "user_1" });
    expect(calls()).toBe(2);
  });

  it("a declined reverification keeps the error (and what the user typed stays in the form)", async () => {
    const { client, calls } = clientFailingWith([reverify]);
    const wrapped = withSessionHandling(client, { onExpired: () => undefined, onReverify: async () => false });
    await expect(wrapped.getAccount()).rejects.toBe(reverify);
    expect(calls()).toBe(1);
  });

  it("returns only to pages of this SPA", () => {
    expect(safeReturnTo("/keys?x=1")).toBe("/keys?x=1");
    expect(safeReturnTo(null)).toBe("/");
    for (const bad of [
      "https://evil.example/",
      "//evil.example",
      "/\\evil.example",
      "keys",
      "/sign-in",
      "/sign-in?returnTo=/keys",
    ]) {
      expect(safeReturnTo(bad)).toBe("/");
    }
  });
});
