/**
 * What the tests may touch, whatever the developer's shell holds: their own Postgres database and their own Redis
 * database, never `DATABASE_URL` or `REDIS_URL` (a developer with a real Neon database or Redis in their shell would
 * otherwise get test tables and test users written into it), and no real keys for the stacks they start.
 * - `OMNIZEN_TEST_DATABASE` names the local test database (default `omnizen_test`, on 127.0.0.1:5432, else PGlite);
 * - `OMNIZEN_TEST_REDIS_URL` names the test Redis (default database 1 of 127.0.0.1:6379, else the embedded one);
 *   it must be a loopback address, so it cannot be a hosted Redis.
 */

/** Variables never passed to a stack a test starts: infrastructure, keys and secrets of the developer's own. */
const PRIVATE_VARIABLE =
  /^(DATABASE_URL|REDIS_URL|NEON_.*|UPSTASH_.*|PROMPT_CACHE_SECRET|CLERK_.*|DEV_SIGNING_KEY|SENTRY_DSN|STRIPE_.*|EPS_.*|.*_API_KEY|.*_BASE_URL|OMNIZEN_DEV_API_KEY|OMNIZEN_DEV_DATABASE)$/;

export interface TestInfrastructure {
  database: string;
  redisUrl: string;
  /** The environment for resolving Postgres: the developer's, less DATABASE_URL and the other private variables. */
  env: NodeJS.ProcessEnv;
}

export function testInfrastructure(env: NodeJS.ProcessEnv): TestInfrastructure {
  const database = env.OMNIZEN_TEST_DATABASE ?? "omnizen_test";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database))
    throw new Error("OMNIZEN_TEST_DATABASE must be a plain lower-case database name");
  const redis = new URL(env.OMNIZEN_TEST_REDIS_URL ?? "redis://127.0.0.1:6379/1");
  if (!["127.0.0.1", "localhost", "[::1]"].includes(redis.hostname))
    throw new Error("OMNIZEN_TEST_REDIS_URL must be a loopback address");
  if (redis.pathname === "" || redis.pathname === "/") redis.pathname = "/1";
  return { database, redisUrl: redis.toString(), env: scrubbedEnvironment(env) };
}

/** The developer's environment less every private variable (for a stack or `npm run dev` started by a test). */
export function scrubbedEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !PRIVATE_VARIABLE.test(name)));
}
