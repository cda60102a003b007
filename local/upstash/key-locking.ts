/**
 * Upstash's key-locking rule (https://upstash.com/docs/redis/features/key-locking): a script whose shebang carries
 * `allow-key-locking` locks only the keys passed in `KEYS`, so every key it hands to `redis.call` / `redis.pcall` must
 * be one of them, and database-wide commands are refused. The stand-in enforces the rule inside the script: a Lua
 * prelude, placed on the shebang's own line (so line numbers in error texts stay the script's), shadows `redis` with
 * a table whose `call` / `pcall` check the key arguments of each command against `KEYS` before calling the real one.
 *
 * Which arguments are keys follows Redis's key specs (`COMMAND INFO`: first key, last key, step) for the commands a
 * hot-path script uses; a command missing from the table is taken to have one key, its first argument (true of
 * almost every data command). Keyless commands (TIME, PING, ECHO) need no key.
 */

/** The error text, as Upstash words it (the rest of the sentence is ours: Upstash's full text is not published). */
export const DYNAMIC_KEYS_ERROR = "ERR Dynamic keys are not allowed in a script flagged allow-key-locking";

/** Error for database-wide commands, which key locking cannot cover. */
export const DATABASE_WIDE_ERROR = "ERR Database-wide commands are not allowed in a script flagged allow-key-locking";

/** `[first, last, step]` of the key arguments (1 = the first argument after the name; last -1 = the last argument). */
type KeySpec = readonly [number, number, number];

const keySpecs: ReadonlyMap<string, KeySpec> = new Map<string, KeySpec>([
  ...["del", "unlink", "exists", "touch", "mget", "sinter", "sunion", "sdiff", "pfcount", "pfmerge"].map(
    (name) => [name, [1, -1, 1]] as const,
  ),
  ...["sinterstore", "sunionstore", "sdiffstore"].map((name) => [name, [1, -1, 1]] as const),
  ...["mset", "msetnx"].map((name) => [name, [1, -1, 2]] as const),
  ...["rename", "renamenx", "rpoplpush", "lmove", "smove", "copy"].map((name) => [name, [1, 2, 1]] as const),
  ...["blpop", "brpop", "bzpopmin", "bzpopmax"].map((name) => [name, [1, -2, 1]] as const),
  ...["time", "ping", "echo", "publish"].map((name) => [name, [0, 0, 0]] as const),
]);

/** Commands that act on the whole database: refused under key locking. */
const databaseWideCommands = ["flushdb", "flushall", "keys", "scan", "randomkey", "dbsize", "swapdb"];

function luaTable(): string {
  const entries = [...keySpecs].map(([name, [first, last, step]]) => `${name}={${first},${last},${step}}`);
  return `{${entries.join(",")}}`;
}

/**
 * One line of Lua that makes the rest of the script obey the rule. It must be followed by the script body on the
 * next line (the shebang line it replaces).
 */
export function keyLockingPrelude(): string {
  const wide = `{${databaseWideCommands.map((name) => `${name}=true`).join(",")}}`;
  return [
    "local __omz_redis = redis",
    "local __omz_allowed = {}",
    "for _, k in ipairs(KEYS) do __omz_allowed[k] = true end",
    `local __omz_specs = ${luaTable()}`,
    `local __omz_wide = ${wide}`,
    "local function __omz_check(...)",
    " local n = select('#', ...)",
    " local name = string.lower(tostring((select(1, ...))))",
    ` if __omz_wide[name] then return '${DATABASE_WIDE_ERROR}' end`,
    " local spec = __omz_specs[name] or {1, 1, 1}",
    " if spec[1] == 0 then return nil end",
    " local last = spec[2] < 0 and (n + spec[2]) or spec[2]",
    " for i = spec[1], last, spec[3] do",
    "  local key = select(i + 1, ...)",
    `  if key ~= nil and not __omz_allowed[tostring(key)] then return '${DYNAMIC_KEYS_ERROR}' end`,
    " end",
    " return nil",
    "end",
    "local redis = setmetatable({",
    " call = function(...) local e = __omz_check(...) if e then return error({err = e}) end return __omz_redis.call(...) end,",
    " pcall = function(...) local e = __omz_check(...) if e then return {err = e} end return __omz_redis.pcall(...) end,",
    "}, {__index = __omz_redis})",
  ].join(" ");
}

/** The script's shebang flags (empty when it has no `#!lua flags=` line). */
export function scriptFlags(script: string): string[] {
  const match = /^#!lua([^\n]*)/.exec(script);
  const flagsMatch = /flags=(\S*)/.exec(match?.[1] ?? "");
  return (flagsMatch?.[1] ?? "").split(",").filter((flag) => flag !== "");
}
