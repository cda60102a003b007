/**
 * ioredis-mock only recognises option keywords in upper case (`NX`, `EX`, `WITHSCORES`...), while Redis ignores case
 * and @upstash/redis sends them in lower case. This upper-cases option keywords, and only them: values that follow
 * an option (`EX 10`, `MATCH pattern`) and data arguments before the options are left as sent.
 */

/** Keyword → how many value arguments follow it. */
const optionArity: ReadonlyMap<string, number> = new Map([
  ["NX", 0],
  ["XX", 0],
  ["GT", 0],
  ["LT", 0],
  ["CH", 0],
  ["INCR", 0],
  ["KEEPTTL", 0],
  ["GET", 0],
  ["PERSIST", 0],
  ["WITHSCORES", 0],
  ["BYSCORE", 0],
  ["BYLEX", 0],
  ["REV", 0],
  ["EX", 1],
  ["PX", 1],
  ["EXAT", 1],
  ["PXAT", 1],
  ["MATCH", 1],
  ["COUNT", 1],
  ["TYPE", 1],
  ["RANK", 1],
  ["MAXLEN", 1],
  ["LIMIT", 2],
]);

/** Position (0 = command name) where options may start, and whether they only lead the remaining arguments. */
const optionStart: ReadonlyMap<string, { position: number; leadingOnly: boolean }> = new Map([
  ["set", { position: 3, leadingOnly: false }],
  ["getex", { position: 2, leadingOnly: false }],
  ["expire", { position: 3, leadingOnly: false }],
  ["pexpire", { position: 3, leadingOnly: false }],
  ["expireat", { position: 3, leadingOnly: false }],
  ["pexpireat", { position: 3, leadingOnly: false }],
  ["zadd", { position: 2, leadingOnly: true }],
  ["zrange", { position: 4, leadingOnly: false }],
  ["zrangebyscore", { position: 4, leadingOnly: false }],
  ["zrevrange", { position: 4, leadingOnly: false }],
  ["zrevrangebyscore", { position: 4, leadingOnly: false }],
  ["scan", { position: 2, leadingOnly: false }],
  ["sscan", { position: 3, leadingOnly: false }],
  ["hscan", { position: 3, leadingOnly: false }],
  ["zscan", { position: 3, leadingOnly: false }],
  ["lpos", { position: 3, leadingOnly: false }],
]);

/** Returns a copy of the command with option keywords upper-cased where the mock expects them. */
export function normalizeOptionCase(command: readonly string[]): string[] {
  const normalized = [...command];
  const start = optionStart.get((command[0] ?? "").toLowerCase());
  if (start === undefined) return normalized;
  let position = start.position;
  while (position < normalized.length) {
    const upper = (normalized[position] ?? "").toUpperCase();
    const arity = optionArity.get(upper);
    if (arity === undefined) {
      if (start.leadingOnly) break;
      position += 1;
      continue;
    }
    normalized[position] = upper;
    position += 1 + arity;
  }
  return normalized;
}
