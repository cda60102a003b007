/**
 * Counts the commands a script runs, as Upstash bills them: every `redis.call` / `redis.pcall` is one command, and
 * each write among them is billed again per read region (https://upstash.com/docs/redis/overall/billing and the
 * @upstash/ratelimit costs table). The geo model runs every script metered: the body becomes a function called under
 * `pcall`, `redis` is shadowed by a counting table, and the script returns `{calls, writes, ok, result}`, which
 * {@link unpackMeteredReply} turns back into the script's own reply (or its error). Line numbers are kept: the
 * prelude sits on the body's first line.
 */
import { readOnlyCommands } from "./command-kinds.ts";
import { CommandError } from "./reply.ts";
import type { ReplyValue } from "./reply.ts";

/** What a metered script ran. */
export interface ScriptMeter {
  calls: number;
  writes: number;
}

function prelude(): string {
  const reads = [...readOnlyCommands].filter((name) => /^[a-z_]+$/.test(name)).map((name) => `${name}=true`);
  return [
    "local __omz_counted = redis",
    "local __omz_calls, __omz_writes = 0, 0",
    `local __omz_reads = {${reads.join(",")}}`,
    "local function __omz_count(name)",
    " __omz_calls = __omz_calls + 1",
    " if not __omz_reads[string.lower(tostring(name))] then __omz_writes = __omz_writes + 1 end",
    "end",
    "local redis = setmetatable({",
    " call = function(...) __omz_count((select(1, ...))) return __omz_counted.call(...) end,",
    " pcall = function(...) __omz_count((select(1, ...))) return __omz_counted.pcall(...) end,",
    "}, {__index = __omz_counted})",
    "local function __omz_body()",
  ].join(" ");
}

const epilogue = [
  "",
  "end",
  "local __omz_ok, __omz_result = pcall(__omz_body)",
  "if not __omz_ok then",
  " if type(__omz_result) == 'table' and __omz_result.err then __omz_result = __omz_result.err end",
  " return {__omz_calls, __omz_writes, 0, tostring(__omz_result)}",
  "end",
  "if type(__omz_result) == 'table' and __omz_result.err then return {__omz_calls, __omz_writes, 0, __omz_result.err} end",
  "return {__omz_calls, __omz_writes, 1, __omz_result}",
].join("\n");

/** The script, metered. A shebang line stays first; the prelude joins the line after it. */
export function meteredScript(script: string): string {
  if (script.startsWith("#!")) {
    const lineEnd = script.indexOf("\n");
    if (lineEnd < 0) return `${script}\n${prelude()} ${epilogue}`;
    return `${script.slice(0, lineEnd + 1)}${prelude()} ${script.slice(lineEnd + 1)}${epilogue}`;
  }
  return `${prelude()} ${script}${epilogue}`;
}

const text = (value: ReplyValue | undefined): string =>
  value instanceof Uint8Array ? Buffer.from(value).toString("utf8") : String(value ?? "");

/** Splits a metered script's reply into the meter and the script's own reply; throws the script's error. */
export function unpackMeteredReply(reply: ReplyValue): { meter: ScriptMeter; result: ReplyValue } {
  if (!Array.isArray(reply) || reply.length < 3) throw new CommandError("ERR metered script returned no meter");
  const meter = { calls: Number(text(reply[0])), writes: Number(text(reply[1])) };
  if (Number(text(reply[2])) !== 1) {
    const message = text(reply[3]);
    throw Object.assign(new CommandError(/^[A-Z]+ /.test(message) ? message : `ERR ${message}`), { meter });
  }
  return { meter, result: reply[3] ?? null };
}
