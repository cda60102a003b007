import { testInfrastructure } from "../test-environment.ts";

/**
 * Where the multi-gateway bounds test keeps its data: its own Postgres database and its own Redis database (fourteen
 * above the tests' own, e.g. 15 beside the default 1; the fault tests take +8, the agent end-to-end tests +4 and
 * +12), because its usage drain empties the whole usage queue of its Redis database and would take the records of the
 * worker tests running beside it.
 */
export function multiGatewayDatabase(env: NodeJS.ProcessEnv): string {
  return `${testInfrastructure(env).database}_multi`;
}

/** The test's Redis: the tests' own server (never REDIS_URL: local/test-environment.ts), on its own database. */
export function multiGatewayRedisUrl(env: NodeJS.ProcessEnv): string {
  const url = new URL(testInfrastructure(env).redisUrl);
  url.pathname = `/${(Number(url.pathname.slice(1) || "1") + 14) % 16}`;
  return url.toString();
}
