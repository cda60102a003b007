import { testInfrastructure } from "../test-environment.ts";

/**
 * Where the fault tests and `npm run faults` keep their data: their own Postgres database and their own Redis
 * database (eight above the tests' own, e.g. 9 beside the default 1), because their usage drain empties the whole
 * usage queue of its Redis database and would take the records of the worker tests running beside them.
 */
export function faultTestDatabase(env: NodeJS.ProcessEnv): string {
  return `${env.OMNIZEN_TEST_DATABASE ?? "omnizen_test"}_faults`;
}

export function faultTestRedisDatabase(env: NodeJS.ProcessEnv): number {
  const base = new URL(testInfrastructure(env).redisUrl);
  const tests = Number(base.pathname.slice(1) || "1");
  return (tests + 8) % 16;
}

/** The fault tests' Redis: the tests' own server (never REDIS_URL: local/test-environment.ts), on its own database. */
export function faultTestRedisUrl(env: NodeJS.ProcessEnv): string {
  const url = new URL(testInfrastructure(env).redisUrl);
  url.pathname = `/${faultTestRedisDatabase(env)}`;
  return url.toString();
}
