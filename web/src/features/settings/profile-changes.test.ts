import { describe, expect, it } from "vitest";
import type { Account } from "../../lib/api-types";
import { profileChanges } from "./components/profile-form";

const account: Account = {
  id: "user_1",
  name: "Rahim",
  email: "rahim@example.com",
  phone: "+8801712345678",
  plan: "free",
  planLimits: { requestsPerMinute: 20, tokensPerMinute: 100_000, concurrentRequests: 2 },
  balanceMicroUsd: 0,
  paymentStatus: "none",
  promptCacheEnabled: true,
  allowedJurisdictions: null,
  ageConfirmedAt: null,
  createdAt: "2026-12-01T00:00:00.000Z",
};

describe("profile changes", () => {
  it("sends only what changed, trimmed", () => {
    expect(profileChanges(account, { name: " Rahim ", email: "rahim@example.com", phone: "+8801712345678" })).toEqual(
      {},
    );
    expect(
      profileChanges(account, { name: "Rahim Uddin", email: "new@example.com ", phone: "+8801712345678" }),
    ).toEqual({
      name: "Rahim Uddin",
      email: "new@example.com",
    });
  });

  it("never sends an empty phone (the API cannot remove a number)", () => {
    expect(profileChanges(account, { name: "Rahim", email: "rahim@example.com", phone: "" })).toEqual({});
    expect(
      profileChanges({ ...account, phone: null }, { name: "Rahim", email: "rahim@example.com", phone: "+14155550123" }),
    ).toEqual({
      phone: "+14155550123",
    });
  });
});
