import { describe, expect, it } from "vitest";
import { EPS_VARIABLES, loadConfig } from "../../env.ts";
import { configuredProviders } from "./configured-providers.ts";

const base = {
  OMNIZEN_ENV: "production",
  DATABASE_URL: "postgresql://user:secret@ep-example.ap-northeast-1.aws.neon.tech/omnizen?sslmode=require",
  UPSTASH_REDIS_REST_URL: "https://example.upstash.io",
  UPSTASH_REDIS_REST_TOKEN: "token",
  PROMPT_CACHE_SECRET: "x".repeat(32),
  CLERK_SECRET_KEY: "sk_live_example",
  CLERK_WEBHOOK_SIGNING_SECRET: "whsec_ZXhhbXBsZQ==",
};

const eps = Object.fromEntries(
  EPS_VARIABLES.map((name) => [name, name === "EPS_BASE_URL" ? "https://sandboxpgapi.eps.com.bd" : "value"]),
);

describe("configuredProviders", () => {
  it("names neither provider without credentials", () => {
    expect(configuredProviders(loadConfig(base))).toEqual({ stripe: false, eps: false });
  });

  it("names Stripe when its secret key is set", () => {
    expect(configuredProviders(loadConfig({ ...base, STRIPE_SECRET_KEY: "sk_test_123" }))).toEqual({
      stripe: true,
      eps: false,
    });
  });

  it("names EPS when its whole configuration is set (a partial one is refused by the configuration itself)", () => {
    expect(configuredProviders(loadConfig({ ...base, ...eps }))).toEqual({ stripe: false, eps: true });
    expect(() => loadConfig({ ...base, ...eps, EPS_IPN_SECRET: undefined })).toThrow(/EPS/);
  });
});
