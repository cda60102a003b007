/**
 * Which commands only read, as Upstash Global routes them (https://upstash.com/docs/redis/features/globaldatabase):
 * reads are served by the nearest read region, everything else (writes, and EVAL / EVALSHA, which may write) by
 * the primary. EVAL_RO / EVALSHA_RO are reads: a write inside them fails. Also used to bill replicated writes.
 */
export const readOnlyCommands: ReadonlySet<string> = new Set([
  "get",
  "mget",
  "getrange",
  "strlen",
  "exists",
  "type",
  "ttl",
  "pttl",
  "expiretime",
  "pexpiretime",
  "hget",
  "hmget",
  "hgetall",
  "hexists",
  "hlen",
  "hkeys",
  "hvals",
  "hstrlen",
  "hscan",
  "hrandfield",
  "lrange",
  "llen",
  "lindex",
  "lpos",
  "smembers",
  "sismember",
  "smismember",
  "scard",
  "srandmember",
  "sscan",
  "sinter",
  "sunion",
  "sdiff",
  "sintercard",
  "zrange",
  "zrangebyscore",
  "zrevrange",
  "zrevrangebyscore",
  "zrangebylex",
  "zscore",
  "zmscore",
  "zcard",
  "zcount",
  "zlexcount",
  "zrank",
  "zrevrank",
  "zscan",
  "xrange",
  "xrevrange",
  "xlen",
  "xread",
  "pfcount",
  "bitcount",
  "getbit",
  "bitpos",
  "scan",
  "keys",
  "dbsize",
  "randomkey",
  "ping",
  "echo",
  "time",
  "eval_ro",
  "evalsha_ro",
  "json.get",
  "json.mget",
]);

/** True when the command (name first, any case) only reads: a replica may serve it. */
export function isReadOnlyCommand(command: readonly string[]): boolean {
  const name = (command[0] ?? "").toLowerCase();
  if (name === "script") return (command[1] ?? "").toLowerCase() === "exists";
  return readOnlyCommands.has(name);
}

/** True when every command of the list only reads. */
export function isReadOnlyRequest(commands: readonly (readonly string[])[]): boolean {
  return commands.every(isReadOnlyCommand);
}
