import { describe, expect, it } from "vitest";
import { loadConfig } from "./env.ts";

const production = {
  OMNIZEN_ENV: "production",
  DATABASE_URL: "postgresql://user:secret@ep-example.ap-northeast-1.aws.neon.tech/omnizen?sslmode=require",
  UPSTASH_REDIS_REST_URL: "https://example.upstash.io",
  UPSTASH_REDIS_REST_TOKEN: "token",
  PROMPT_CACHE_SECRET: "x".repeat(32),
};

describe("worker configuration", () => {
  it("accepts a production configuration whose endpoints are all TLS", () => {
    expect(loadConfig({ ...production, DEEPSEEK_API_KEY: "k", DEEPSEEK_BASE_URL: "https://api.deepseek.com" }).OMNIZEN_ENV).toBe("production");
  });

  it("refuses plaintext endpoints and disabled TLS in production (policy 4.1), naming each variable", () => {
    expect(() => loadConfig({ ...production, UPSTASH_REDIS_REST_URL: "http://example.upstash.io" })).toThrow(/UPSTASH_REDIS_REST_URL/);
    expect(() => loadConfig({ ...production, OPENAI_BASE_URL: "http://proxy.example" })).toThrow(/OPENAI_BASE_URL/);
    expect(() => loadConfig({ ...production, DATABASE_URL: "postgres://u@host/db?sslmode=disable" })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ ...production, NEON_WS_PROXY: "127.0.0.1:5488" })).toThrow(/NEON_WS_PROXY/);
  });

  it("allows local plaintext endpoints outside production", () => {
    expect(loadConfig({ ...production, OMNIZEN_ENV: "development", UPSTASH_REDIS_REST_URL: "http://127.0.0.1:8079" }).OMNIZEN_ENV).toBe("development");
  });

  it("reports problems without echoing secret values", () => {
    const attempt = () => loadConfig({ ...production, UPSTASH_REDIS_REST_URL: "http://user:topsecretpassword@example.upstash.io" });
    expect(attempt).toThrow();
    try {
      attempt();
    } catch (error) {
      expect(String(error)).not.toContain("topsecretpassword");
    }
  });
});
