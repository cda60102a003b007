import { describe, expect, it } from "vitest";
import { resolvePostgres } from "./postgres/resolve.ts";
import { scrubbedEnvironment, testInfrastructure } from "./test-environment.ts";

const developerShell = {
  PATH: "/usr/bin",
  DATABASE_URL: "postgres://owner:secret@ep-real-project.ap-northeast-1.aws.neon.tech/neondb",
  REDIS_URL: "redis://default:secret@real-redis.example:6379",
  UPSTASH_REDIS_REST_URL: "https://real.upstash.io",
  OMNIZEN_DEV_API_KEY: `sk-omni-${"a".repeat(40)}`,
  DEEPSEEK_API_KEY: "sk-real",
  CLERK_SECRET_KEY: "sk_live_x",
};

describe("the tests' own infrastructure", () => {
  it("ignores DATABASE_URL and REDIS_URL: the test database and Redis database 1 on this machine", async () => {
    const infrastructure = testInfrastructure(developerShell);
    expect(infrastructure.database).toBe("omnizen_test");
    expect(infrastructure.redisUrl).toBe("redis://127.0.0.1:6379/1");
    expect(infrastructure.env.DATABASE_URL).toBeUndefined();
    // What the global setup then resolves: never the developer's database.
    const postgres = await resolvePostgres({
      database: infrastructure.database,
      dataDir: "/nonexistent",
      env: infrastructure.env,
      log: () => undefined,
    });
    try {
      expect(postgres.url).not.toContain("neon.tech");
      expect(postgres.kind).not.toBe("env");
    } finally {
      await postgres.close();
    }
  });

  it("refuses a test Redis that is not on this machine", () => {
    expect(() => testInfrastructure({ OMNIZEN_TEST_REDIS_URL: "redis://real-redis.example:6379" })).toThrow(/loopback/);
    expect(testInfrastructure({ OMNIZEN_TEST_REDIS_URL: "redis://127.0.0.1:6399" }).redisUrl).toBe(
      "redis://127.0.0.1:6399/1",
    );
  });

  it("passes none of the developer's keys or infrastructure to a stack a test starts", () => {
    expect(scrubbedEnvironment(developerShell)).toEqual({ PATH: "/usr/bin" });
  });
});
