/**
 * Checks Redis performs but ioredis-mock skips (it would, e.g., overwrite a hash with "NaN" on INCR). The same
 * tables drive the TypeScript check for top-level commands and the Lua check inside scripts, so both agree.
 */

export const wrongTypeMessage = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const notIntegerMessage = "ERR value is not an integer or out of range";

const commandsByType: Record<string, string[]> = {
  string: [
    "get",
    "getset",
    "getdel",
    "getex",
    "getrange",
    "setrange",
    "append",
    "strlen",
    "incr",
    "decr",
    "incrby",
    "decrby",
    "incrbyfloat",
    "substr",
  ],
  hash: [
    "hget",
    "hset",
    "hsetnx",
    "hmset",
    "hmget",
    "hgetall",
    "hdel",
    "hexists",
    "hincrby",
    "hincrbyfloat",
    "hkeys",
    "hvals",
    "hlen",
    "hstrlen",
    "hrandfield",
    "hscan",
  ],
  list: [
    "lpush",
    "rpush",
    "lpushx",
    "rpushx",
    "lpop",
    "rpop",
    "lrange",
    "llen",
    "lindex",
    "lset",
    "lrem",
    "ltrim",
    "linsert",
    "lpos",
  ],
  set: ["sadd", "srem", "smembers", "sismember", "smismember", "scard", "spop", "srandmember", "sscan"],
  zset: [
    "zadd",
    "zrem",
    "zrange",
    "zrangebyscore",
    "zrevrange",
    "zrevrangebyscore",
    "zscore",
    "zincrby",
    "zcard",
    "zcount",
    "zrank",
    "zrevrank",
    "zpopmin",
    "zpopmax",
    "zmscore",
    "zremrangebyscore",
    "zremrangebyrank",
  ],
};

/** Expected type of the key in argument 1, by lower-case command name. */
export const expectedKeyType: ReadonlyMap<string, string> = new Map(
  Object.entries(commandsByType).flatMap(([type, names]) => names.map((name) => [name, type] as const)),
);

/** Commands whose stored value (argument 1) must hold an integer. */
export const integerValueCommands: ReadonlySet<string> = new Set(["incr", "decr", "incrby", "decrby"]);

/** Argument positions (0 = command name) that must parse as integers. */
export const integerArgumentPositions: ReadonlyMap<string, readonly number[]> = new Map([
  ["incrby", [2]],
  ["decrby", [2]],
  ["expire", [2]],
  ["pexpire", [2]],
  ["expireat", [2]],
  ["pexpireat", [2]],
  ["setex", [2]],
  ["psetex", [2]],
  ["hincrby", [3]],
  ["lrange", [2, 3]],
  ["ltrim", [2, 3]],
  ["lindex", [2]],
  ["getrange", [2, 3]],
  ["setrange", [2]],
  ["zrange", [2, 3]],
]);

const integerPattern = /^-?\d+$/;

function isRedisInteger(text: string): boolean {
  if (!integerPattern.test(text)) return false;
  const value = BigInt(text);
  return value >= -(2n ** 63n) && value < 2n ** 63n;
}

/** Read access the TypeScript check needs: TYPE and GET of a key. */
export interface KeyInspector {
  type(key: string): Promise<string>;
  get(key: string): Promise<string | null>;
}

/** Returns the Redis error text the command should fail with, or undefined if Redis would run it. */
export async function findGuardViolation(
  command: readonly string[],
  inspector: KeyInspector,
): Promise<string | undefined> {
  const name = (command[0] ?? "").toLowerCase();
  const key = command[1];
  for (const position of integerArgumentPositions.get(name) ?? []) {
    const argument = command[position];
    // ZRANGE BYSCORE/BYLEX take non-integer bounds; leave those to the mock.
    if (name === "zrange" && command.some((part) => /^by(score|lex)$/i.test(part))) break;
    if (argument !== undefined && !isRedisInteger(argument)) return notIntegerMessage;
  }
  if (key === undefined) return undefined;
  const expected = expectedKeyType.get(name);
  if (expected !== undefined) {
    const actual = await inspector.type(key);
    if (actual !== "none" && actual !== expected) return wrongTypeMessage;
  }
  if (integerValueCommands.has(name)) {
    const current = await inspector.get(key);
    if (current !== null && !isRedisInteger(current)) return notIntegerMessage;
  }
  return undefined;
}

function luaSet(names: Iterable<string>): string {
  return `{${[...names].map((name) => `${name}=true`).join(",")}}`;
}

/** Lua source defining `__types`, `__integer_values` and `__integer_arguments` with the same rules. */
export function luaGuardTables(): string {
  const types = [...expectedKeyType].map(([name, type]) => `${name}='${type}'`).join(",");
  const positions = [...integerArgumentPositions]
    .map(([name, list]) => `${name}={${list.map((position) => position + 1).join(",")}}`)
    .join(",");
  return [
    `local __types = {${types}}`,
    `local __integer_values = ${luaSet(integerValueCommands)}`,
    `local __integer_arguments = {${positions}}`,
    `local __wrong_type = '${wrongTypeMessage}'`,
    `local __not_integer = '${notIntegerMessage}'`,
  ].join("\n");
}
