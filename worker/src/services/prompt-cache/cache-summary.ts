/**
 * The account's prompt-cache summary: which entries it stored, per hour, so an isolate can tell that a request is a
 * miss without reading Redis (docs/edge-leases.md, "The prompt-cache read"). `omz:pcsum:<userId>:<hour>` is a log
 * the lease flush appends to (one APPEND for the batch): for every entry it stores in that hour, the first
 * SUMMARY_PREFIX_CHARS hex digits of the entry key's HMAC (cache-key.ts). An entry lives an hour, so the entries alive
 * now are all in this hour's log or the last one's. A prefix in neither means "not cached" for certain (as of the
 * read); a prefix present only "maybe" (another entry may share it: about n / 16.7 million for n entries), and the
 * entry is read. The log is append-only, so an isolate reads only what was added since its last read (GETRANGE).
 * It holds no content: 24 bits of an HMAC keyed with a server secret, against which no prompt can be tested.
 */
import { CACHE_KEY_PREFIX } from "./cache-key.ts";

/** Hex digits of the HMAC logged per entry: 24 bits. */
export const SUMMARY_PREFIX_CHARS = 6;
const HOUR_MS = 3_600_000;

/** The hour a summary covers: entries stored in it. */
export const summaryHour = (nowMs: number): number => Math.floor(nowMs / HOUR_MS);

/** The summary of the account's entries stored in `hour`. */
export const cacheSummaryKey = (userId: string, hour: number): string => `omz:pcsum:${userId}:${hour}`;

/** The account's summaries that can exist at `nowMs`: the last hour's, this hour's and (clock skew) the next. */
export const accountCacheSummaryKeys = (userId: string, nowMs: number): string[] =>
  [-1, 0, 1].map((offset) => cacheSummaryKey(userId, summaryHour(nowMs) + offset));

/** What an entry key logs: its HMAC's first hex digits; null for a key of another shape. */
export function summaryPrefix(entryKey: string): string | null {
  const prefix = entryKey.slice(CACHE_KEY_PREFIX.length, CACHE_KEY_PREFIX.length + SUMMARY_PREFIX_CHARS);
  return entryKey.startsWith(CACHE_KEY_PREFIX) && /^[0-9a-f]{6}$/.test(prefix) ? prefix : null;
}

/** The prefixes in a piece of a log read at a multiple of SUMMARY_PREFIX_CHARS (a partial last one is dropped). */
export function logPrefixes(piece: string): string[] {
  const prefixes: string[] = [];
  for (let at = 0; at + SUMMARY_PREFIX_CHARS <= piece.length; at += SUMMARY_PREFIX_CHARS) {
    prefixes.push(piece.slice(at, at + SUMMARY_PREFIX_CHARS));
  }
  return prefixes;
}

/**
 * Lua defining `log_summary(key, first)`: appends the prefix of every entry key in KEYS[first..] to the summary `key`
 * (one APPEND) and sets it to expire at the end of the next hour (the hour is at the end of its name), when the
 * hour's last entry has expired.
 */
export const LOG_SUMMARY_LUA = `
local function log_summary(key, first)
  local prefixes = {}
  for i = first, #KEYS do
    local prefix = string.sub(KEYS[i], ${CACHE_KEY_PREFIX.length + 1}, ${CACHE_KEY_PREFIX.length + SUMMARY_PREFIX_CHARS})
    if #prefix == ${SUMMARY_PREFIX_CHARS} and string.match(prefix, "^[0-9a-f]+$") then
      prefixes[#prefixes + 1] = prefix
    end
  end
  if #prefixes == 0 then return end
  redis.call("APPEND", key, table.concat(prefixes))
  local hour = tonumber(string.match(key, ":(%d+)$"))
  redis.call("EXPIREAT", key, (hour + 2) * ${HOUR_MS / 1000})
end
`;

/**
 * Reads what two summaries gained since the given offsets (KEYS: the summaries; ARGV: the offsets). Answers, per
 * summary, the offset read from and the text from there: from 0 when the summary is shorter than the offset (it was
 * deleted and started again). Read-only: served by the nearest replica.
 */
export const SUMMARY_READ_SCRIPT = `#!lua flags=no-writes,allow-key-locking
local reply = {}
for i = 1, #KEYS do
  local length = redis.call("STRLEN", KEYS[i])
  local from = tonumber(ARGV[i]) or 0
  if length < from then from = 0 end
  local text = ""
  if length > from then text = redis.call("GETRANGE", KEYS[i], from, length - 1) end
  reply[#reply + 1] = tostring(from)
  reply[#reply + 1] = text
end
return reply
`;
