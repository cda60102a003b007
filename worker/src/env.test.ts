import { describe, expect, it } from "vitest";
import { loadConfig } from "./env.ts";

const production = {
  OMNIZEN_ENV: "production",
  DATABASE_URL: "postgresql://user:secret@ep-example.ap-northeast-1.aws.neon.tech/omnizen?sslmode=require",
  UPSTASH_REDIS_REST_URL: "https://example.upstash.io",
  UPSTASH_REDIS_REST_TOKEN: "token",
  PROMPT_CACHE_SECRET: "x".repeat(32),
  CLERK_SECRET_KEY: "sk_live_example",
  CLERK_WEBHOOK_SIGNING_SECRET: "whsec_ZXhhbXBsZQ==",
};

const JWT_KEY = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n";

describe("worker configuration", () => {
  it("accepts a production configuration whose endpoints are all TLS", () => {
    expect(
      loadConfig({ ...production, DEEPSEEK_API_KEY: "k", DEEPSEEK_BASE_URL: "https://api.deepseek.com" }).OMNIZEN_ENV,
    ).toBe("production");
  });

  it("refuses plaintext endpoints and disabled TLS in production (policy 4.1), naming each variable", () => {
    expect(() => loadConfig({ ...production, UPSTASH_REDIS_REST_URL: "http://example.upstash.io" })).toThrow(
      /UPSTASH_REDIS_REST_URL/,
    );
    expect(() => loadConfig({ ...production, OPENAI_BASE_URL: "http://proxy.example" })).toThrow(/OPENAI_BASE_URL/);
    expect(() => loadConfig({ ...production, DATABASE_URL: "postgres://u@host/db?sslmode=disable" })).toThrow(
      /DATABASE_URL/,
    );
    expect(() => loadConfig({ ...production, NEON_WS_PROXY: "127.0.0.1:5488" })).toThrow(/NEON_WS_PROXY/);
  });

  it("takes Stripe's keys in their own formats, and refuses the simulator's base URL in production", () => {
    const stripe = { STRIPE_SECRET_KEY: "sk_live_abc123", STRIPE_WEBHOOK_SECRET: "whsec_abc" };
    expect(loadConfig({ ...production, ...stripe }).STRIPE_SECRET_KEY).toBe("sk_live_abc123");
    expect(() => loadConfig({ ...production, STRIPE_SECRET_KEY: "pk_live_abc" })).toThrow(/STRIPE_SECRET_KEY/);
    expect(() => loadConfig({ ...production, STRIPE_WEBHOOK_SECRET: "secret" })).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(() => loadConfig({ ...production, ...stripe, STRIPE_API_BASE: "https://127.0.0.1:12111" })).toThrow(
      /STRIPE_API_BASE/,
    );
    expect(
      loadConfig({ ...production, ...stripe, OMNIZEN_ENV: "development", STRIPE_API_BASE: "http://127.0.0.1:12111" })
        .STRIPE_API_BASE,
    ).toBe("http://127.0.0.1:12111");
  });

  it("allows local plaintext endpoints outside production", () => {
    expect(
      loadConfig({ ...production, OMNIZEN_ENV: "development", UPSTASH_REDIS_REST_URL: "http://127.0.0.1:8079" })
        .OMNIZEN_ENV,
    ).toBe("development");
  });

  it("reports problems without echoing secret values", () => {
    const attempt = () =>
      loadConfig({ ...production, UPSTASH_REDIS_REST_URL: "http://user:topsecretpassword@example.upstash.io" });
    expect(attempt).toThrow();
    try {
      attempt();
    } catch (error) {
      expect(String(error)).not.toContain("topsecretpassword");
    }
  });

  it("fails in production without Clerk's secret key or webhook signing secret", () => {
    const { CLERK_SECRET_KEY: _secret, ...withoutSecret } = production;
    const { CLERK_WEBHOOK_SIGNING_SECRET: _webhook, ...withoutWebhook } = production;
    expect(() => loadConfig(withoutSecret)).toThrow(/CLERK_SECRET_KEY: is required in production/);
    expect(() => loadConfig(withoutWebhook)).toThrow(/CLERK_WEBHOOK_SIGNING_SECRET: is required in production/);
    // Locally both stay optional.
    expect(
      loadConfig({ ...withoutSecret, CLERK_WEBHOOK_SIGNING_SECRET: undefined, OMNIZEN_ENV: "development" })
        .CLERK_SECRET_KEY,
    ).toBeUndefined();
  });

  it("refuses http:// and local SPA origins in production, and accepts them locally", () => {
    const dashboard = { ...production, CLERK_JWT_KEY: JWT_KEY, CLERK_ISSUER: "https://clerk.omnizen.ai" };
    expect(
      loadConfig({ ...dashboard, CLERK_AUTHORIZED_PARTIES: "https://app.omnizen.ai" }).CLERK_AUTHORIZED_PARTIES,
    ).toEqual(["https://app.omnizen.ai"]);
    for (const origin of [
      "http://app.omnizen.ai",
      "https://localhost:5173",
      "https://127.0.0.1",
      "https://[::1]:5173",
      "https://dev.localhost",
      "http://localhost:5173",
    ]) {
      expect(
        () => loadConfig({ ...dashboard, CLERK_AUTHORIZED_PARTIES: `https://app.omnizen.ai,${origin}` }),
        origin,
      ).toThrow(/CLERK_AUTHORIZED_PARTIES/);
    }
    const local = {
      ...dashboard,
      OMNIZEN_ENV: "development",
      CLERK_AUTHORIZED_PARTIES: "http://127.0.0.1:5173,http://localhost:5173",
    };
    expect(loadConfig(local).CLERK_AUTHORIZED_PARTIES).toHaveLength(2);
  });

  it("requires the session tokens' issuer in production when the dashboard API is on, as an https URL", () => {
    const dashboard = { ...production, CLERK_JWT_KEY: JWT_KEY, CLERK_AUTHORIZED_PARTIES: "https://app.omnizen.ai" };
    expect(() => loadConfig(dashboard)).toThrow(/CLERK_ISSUER/);
    expect(() => loadConfig({ ...dashboard, CLERK_ISSUER: "http://clerk.omnizen.ai" })).toThrow(
      /CLERK_ISSUER: must be an https:\/\/ URL/,
    );
    expect(loadConfig({ ...dashboard, CLERK_ISSUER: "https://clerk.omnizen.ai" }).CLERK_ISSUER).toBe(
      "https://clerk.omnizen.ai",
    );
  });

  it("reads BDT_PER_USD as an integer or decimal string, with a default, and refuses anything else by name", () => {
    expect(loadConfig({ ...production }).BDT_PER_USD).toBe(122);
    expect(loadConfig({ ...production, BDT_PER_USD: "121.75" }).BDT_PER_USD).toBe(121.75);
    expect(loadConfig({ ...production, BDT_PER_USD: " 110 " }).BDT_PER_USD).toBe(110);
    for (const bad of ["", "0", "-5", "1e3", "12,5", "taka", "0.0000001"]) {
      expect(() => loadConfig({ ...production, BDT_PER_USD: bad }), bad).toThrow(/BDT_PER_USD/);
    }
  });

  it("takes EPS's settings all or none, naming each missing one, and only over TLS in production", () => {
    const eps = {
      EPS_BASE_URL: "https://pgapi.eps.com.bd",
      EPS_USERNAME: "merchant@example.com",
      EPS_PASSWORD: "password",
      EPS_HASH_KEY: "FHZxyzeps56789gfhg678ygu876o=",
      EPS_MERCHANT_ID: "29e86e70-0ac6-45eb-ba04-9fcb0aaed12a",
      EPS_STORE_ID: "d44e705f-9e3a-41de-98b1-1674631637da",
      EPS_IPN_SECRET: "ipn-secret",
    };
    expect(loadConfig({ ...production, ...eps }).EPS_HASH_KEY).toBe(eps.EPS_HASH_KEY);
    expect(loadConfig({ ...production }).EPS_BASE_URL).toBeUndefined();
    const partial = { ...production, EPS_BASE_URL: eps.EPS_BASE_URL, EPS_USERNAME: eps.EPS_USERNAME };
    expect(() => loadConfig(partial)).toThrow(/EPS_PASSWORD: is required when any EPS_\* variable is set/);
    expect(() => loadConfig(partial)).toThrow(/EPS_IPN_SECRET/);
    expect(() => loadConfig({ ...production, ...eps, EPS_BASE_URL: "http://pgapi.eps.com.bd" })).toThrow(
      /EPS_BASE_URL: must be an https:\/\/ URL/,
    );
  });
});
