/**
 * The admission script, which grants a lease (edge-lease.ts): authentication record, fair-use limits, credit guard and
 * prompt-cache lookup in ONE Redis round trip (EVALSHA). Atomic, so limits are exact across isolates and regions. It
 * checks everything before it changes anything: a refused request leaves no partial effect. Written for both Redis and
 * the embedded fallback (no cjson, plain commands only). Numbers handed back to Redis commands are formatted with
 * `int()` (a plain decimal integer, "%.0f": exact to 2^53 on Redis's doubles and on the embedded VM, whose integers are
 * only 32-bit): Lua's own tostring prints numbers above 1e14 in exponent form, which Redis refuses as an integer.
 *
 * The credit counter `omz:credit:<user>` (docs/credit.md) is the live balance at the edge. It is created from
 * Postgres only when it does not exist, and then as `Postgres balance - undrained usage - live reservations`, so it
 * is never reset from a stale source: `omz:undrained:<user>` sums the cost of usage records queued but not yet in
 * Postgres, `omz:resv:<user>` holds each in-flight reservation ("amount:expiry ms"), and `omz:usage:gen` (bumped by
 * every drain release) proves that no drain moved costs from Redis to Postgres between the Postgres read and the fill.
 *
 * Every key the script touches is passed in KEYS (script-keys.ts builds them), so Upstash locks only those keys
 * (`allow-key-locking`, https://upstash.com/docs/redis/features/key-locking): requests of different accounts run in
 * parallel. No key shared by all accounts is locked on the warm path. Two layouts:
 * - keyed (the account is known: from the isolate's key record, or the cold fill): 1 the key record, 2 credit,
 *   3 reservations, 4 undrained usage, 5-6 the account's request and token windows, 7-8 the key's, 9-10 the
 *   account's and the key's concurrency slots, 11-14 the key's spend counters of the four periods (d, w, m, n), then
 *   the drain generation (only on a fill), then the prompt-cache entry (only with a cache lookup). A record marked
 *   unknown answers "recheck" (admission.ts runs the identity layout), one of another account "stale" with its ids;
 *   an absent record or credit counter answers "cold" without a generation (admission reads it with the key record,
 *   and the fill compares it on the primary).
 * - identity (a key the isolate knows as unknown, or the fill of an unknown key): 1 the key record, 2-3 the
 *   failed-auth counters of this and the previous minute. A record found there answers "stale" with its ids.
 * ARGV: 1 now (ms), 2 request id, 3 key hash, 4 failed-auth subject (client IP or IPv6 /64; "" = none), 5 cache key
 *       ("" = no lookup), 6 credit reservation (micro-USD), 7 cold-fill record ("" = none; fields joined by "|"),
 *       8 Postgres balance read for the fill ("" = none), 9 check credit ("1"/"0"), 10 slot TTL (ms), 11 key record
 *       TTL (ms), 12 credit counter TTL (ms), 13 failed-auth limit per subject per two minutes, 14 the drain
 *       generation seen before the Postgres read ("" = none), 15 negative key record TTL (ms), 16-19 the key spend
 *       buckets of now (daily, weekly, monthly, none: lib/spend-period.ts), 20-23 their counters' TTLs (ms), 24 the
 *       account id of a keyed run ("" = identity run), 25-27 the lease's wants: concurrency slots k, requests n, and
 *       the asking request's own reservation r. ARGV 2 is the lease id, ARGV 6 the credit hold it wants.
 * A lease is admission for several requests at once: the checks above, then up to n requests counted in the windows
 * (at least one, at most what the limits leave), up to k slots held as members `<lease>#1..k` (none when none is
 * free: the isolate then refuses a miss), and a credit hold in `omz:resv:<user>` of min(ARGV 6, max(balance / 4, r),
 * balance, what the key's spend limit leaves), taken from the credit counter and added to the key's spend counter.
 * The reply ends with the granted n, k and hold. A lease with n = 0 is for slots only (requests admitted from
 * another lease that holds none free): the windows do not refuse it.
 * A key past its expiry (record field "exp", epoch ms) is refused ("expired"). A key with a spend limit ("sl"
 * micro-USD per period "sp") keeps a spend counter `omz:spend:<key>:<bucket>` moved like the credit counter: the
 * hold is added at the grant (refused when the counter has reached the limit), the lease's flushes square it with
 * the cost. A record fill raises the counter to the key's cost already in Postgres for the period ("ss"), so a
 * counter lost in Redis comes back at the next fill instead of starting from zero. The record also keeps the key's
 * model aliases ("al", JSON, "" = none) for services/hot-path/key-aliases.ts; this script never reads them.
 * Returns: { status, userId, keyId, plan, jurisdictions, limitRequests, remainingRequests, resetMs, limitTokens,
 *            remainingTokens, cachedEntry, balance, promptCacheEnabled ("1"/"0"), drain generation, spend counter key
 *            ("" = no limit), spend limit, spend period code }.
 */
import { LOG_SUMMARY_LUA } from "../prompt-cache/cache-summary.ts";

export const ADMISSION_SCRIPT = `#!lua flags=allow-key-locking
local now = tonumber(ARGV[1])
local window = math.floor(now / 60000)
-- A float product: the embedded VM's 32-bit integers would overflow (Redis's Lua has doubles only).
local reset_ms = (window + 1) * 60000.0 - now
local ip = ARGV[4]
local keyed = (ARGV[24] or "") ~= ""
local filling = ARGV[7] ~= ""
local fail_key = (not keyed) and KEYS[2] or nil
local gen_key = keyed and filling and KEYS[15] or nil
local cache_key = keyed and ARGV[5] ~= "" and KEYS[gen_key and 16 or 15] or nil
local pc = ""
local spend_key, spend_limit, spend_period = "", "0", ""
local granted_n, granted_k, hold = 0, 0, 0
local function int(n) return string.format("%.0f", n) end
-- A record field that may be absent (a record stored before the field existed) as a number, 0 when absent.
local function num(v) return tonumber(v or "") or 0 end
local function reply(status, r1, r2, r3, r4, lr, rr, lt, rt, cached, balance)
  return { status, r1 or "", r2 or "", r3 or "", r4 or "", lr or 0, rr or 0, reset_ms, lt or 0, rt or 0, cached or "", balance or "", pc,
    gen_key and (redis.call("GET", gen_key) or "0") or "", spend_key, spend_limit, spend_period,
    int(granted_n), int(granted_k), int(hold) }
end
local spend_slot = { d = 16, w = 17, m = 18, n = 19 }
local function spend_key_of(period) return KEYS[spend_slot[period] - 5] end
-- Failures of this and the previous minute both count, so a burst across a minute boundary is not split in two.
local function throttled()
  if ip == "" then return false end
  local recent = tonumber(redis.call("GET", fail_key) or "0") + tonumber(redis.call("GET", KEYS[3]) or "0")
  return recent >= tonumber(ARGV[13])
end
local rec_key = KEYS[1]
if filling then
  local f = {}
  for field in string.gmatch(ARGV[7], "([^|]*)|?") do f[#f + 1] = field end
  redis.call("DEL", rec_key)
  if f[1] == "missing" then
    redis.call("HSET", rec_key, "missing", "1")
    redis.call("PEXPIRE", rec_key, ARGV[15])
  else
    redis.call("HSET", rec_key, "u", f[1], "k", f[2], "p", f[3], "rpm", f[4], "tpm", f[5], "cc", f[6],
      "krpm", f[7], "ktpm", f[8], "kcc", f[9], "j", f[10], "pc", f[11], "sl", f[12] or "0", "sp", f[13] or "",
      "exp", f[14] or "0", "al", f[16] or "")
    redis.call("PEXPIRE", rec_key, ARGV[11])
    -- The spend counter never falls below the key's cost already in Postgres for the period (it may be above:
    -- reservations in flight and usage not yet drained count too).
    if num(f[12]) > 0 and spend_slot[f[13] or ""] then
      local sk = spend_key_of(f[13])
      if tonumber(redis.call("GET", sk) or "0") < num(f[15]) then
        redis.call("SET", sk, f[15], "PX", ARGV[spend_slot[f[13]] + 4])
      end
    end
  end
elseif not keyed and not redis.call("HGET", rec_key, "u") and throttled() then
  -- A valid key already known at the edge is never refused for others' failures from its address; only cold
  -- lookups (which would reach Postgres) and unknown keys are throttled.
  return reply("blocked")
end
local r = redis.call("HMGET", rec_key, "missing", "u", "k", "p", "rpm", "tpm", "cc", "krpm", "ktpm", "kcc", "j", "pc", "sl", "sp", "exp")
-- An unknown key is counted as a failed authentication in the identity layout (its KEYS hold the counters).
if keyed and r[1] == "1" then return reply("recheck") end
if r[1] == "1" then
  if ip ~= "" then
    redis.call("INCR", fail_key)
    redis.call("PEXPIRE", fail_key, 121000)
  end
  return reply("invalid")
end
if not r[2] then return reply("cold") end
-- KEYS name no account, or another one than the record's: admission.ts runs again with the record's.
if not keyed or r[2] ~= ARGV[24] then return reply("stale", r[2], r[3]) end
local user, key, plan, jur = r[2], r[3], r[4], r[11]
pc = r[12] or ""
-- An expired key is refused like a revoked one (not counted as a failed authentication: the key is genuine).
if num(r[15]) > 0 and now >= num(r[15]) then return reply("expired") end
if num(r[13]) > 0 and spend_slot[r[14] or ""] then
  spend_key, spend_limit, spend_period = spend_key_of(r[14]), r[13], r[14]
end
local credit_key = KEYS[2]
local resv_key = KEYS[3]
local balance = redis.call("GET", credit_key)
if ARGV[9] == "1" and not balance then
  -- Create the counter only from a Postgres balance read after no drain ran: Postgres balance minus the usage
  -- still queued in Redis minus the reservations of requests in flight (expired ones are dropped).
  if not gen_key or ARGV[8] == "" or ARGV[14] ~= (redis.call("GET", gen_key) or "0") then return reply("cold") end
  local total = tonumber(ARGV[8]) - tonumber(redis.call("GET", KEYS[4]) or "0")
  local held = redis.call("HGETALL", resv_key)
  for i = 1, #held, 2 do
    local amount, expiry = string.match(held[i + 1], "^(%-?%d+):(%d+)$")
    if not amount or tonumber(expiry) <= now then redis.call("HDEL", resv_key, held[i]) else total = total - tonumber(amount) end
  end
  balance = int(total)
  redis.call("SET", credit_key, balance, "PX", ARGV[12])
end
local rpm, tpm, cc = tonumber(r[5]), tonumber(r[6]), tonumber(r[7])
local krpm, ktpm, kcc = tonumber(r[8]), tonumber(r[9]), tonumber(r[10])
local req_key, tok_key, kreq_key, ktok_key = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local req_left = rpm - tonumber(redis.call("GET", req_key) or "0")
local tok_left = tpm - tonumber(redis.call("GET", tok_key) or "0")
local req_limit, tok_limit = rpm, tpm
if krpm > 0 then
  local left = krpm - tonumber(redis.call("GET", kreq_key) or "0")
  if left < req_left then req_left = left; req_limit = krpm end
end
if ktpm > 0 then
  local left = ktpm - tonumber(redis.call("GET", ktok_key) or "0")
  if left < tok_left then tok_left = left; tok_limit = ktpm end
end
-- A lease for slots only (n = 0) serves requests another lease already counted: the windows do not refuse it.
local slots_only = ARGV[26] == "0"
if req_left <= 0 and not slots_only then return reply("rate_requests", user, key, plan, jur, req_limit, 0, tok_limit, math.max(tok_left, 0)) end
if tok_left <= 0 and not slots_only then return reply("rate_tokens", user, key, plan, jur, req_limit, req_left, tok_limit, 0) end
if ARGV[9] == "1" and tonumber(balance) <= 0 then
  return reply("credit", user, key, plan, jur, req_limit, req_left, tok_limit, tok_left, "", balance)
end
-- The key's spend limit, like the credit: admitted while the period's spend is below the limit.
if ARGV[9] == "1" and spend_key ~= "" and tonumber(redis.call("GET", spend_key) or "0") >= tonumber(spend_limit) then
  return reply("key_spend", user, key, plan, jur, req_limit, req_left, tok_limit, tok_left, "", balance)
end
local cached = false
if ARGV[5] ~= "" and r[12] == "1" then cached = redis.call("GET", cache_key) end
-- The lease takes what the concurrency limits leave, up to k slots (maybe none: edge-lease.ts then refuses a miss).
local cc_key, kcc_key = KEYS[9], KEYS[10]
redis.call("ZREMRANGEBYSCORE", cc_key, "-inf", now)
local free = cc - redis.call("ZCARD", cc_key)
if kcc > 0 then
  redis.call("ZREMRANGEBYSCORE", kcc_key, "-inf", now)
  free = math.min(free, kcc - redis.call("ZCARD", kcc_key))
end
granted_k = math.max(0, math.min(tonumber(ARGV[25]), free))
for i = 1, granted_k do
  redis.call("ZADD", cc_key, now + tonumber(ARGV[10]), ARGV[2] .. "#" .. i)
  if kcc > 0 then redis.call("ZADD", kcc_key, now + tonumber(ARGV[10]), ARGV[2] .. "#" .. i) end
end
if granted_k > 0 then
  redis.call("PEXPIRE", cc_key, ARGV[10])
  if kcc > 0 then redis.call("PEXPIRE", kcc_key, ARGV[10]) end
end
granted_n = slots_only and 0 or math.max(1, math.min(tonumber(ARGV[26]), req_left))
-- A credit-checked lease, a cache hit's too, holds credit (its flushes square the hold with the real cost).
if ARGV[9] == "1" then
  local bal = tonumber(balance)
  hold = math.min(tonumber(ARGV[6]), math.max(math.floor(bal / 4), tonumber(ARGV[27])), bal)
  if spend_key ~= "" then hold = math.min(hold, tonumber(spend_limit) - tonumber(redis.call("GET", spend_key) or "0")) end
  hold = math.max(hold, 0)
  if hold > 0 then balance = int(redis.call("DECRBY", credit_key, int(hold))) end
  if spend_key ~= "" then
    redis.call("INCRBY", spend_key, int(hold))
    redis.call("PEXPIRE", spend_key, ARGV[spend_slot[spend_period] + 4])
  end
  redis.call("HSET", resv_key, ARGV[2], int(hold) .. ":" .. int(now + tonumber(ARGV[10])))
  redis.call("PEXPIRE", resv_key, ARGV[10])
  redis.call("PEXPIRE", credit_key, ARGV[12])
end
redis.call("INCRBY", req_key, granted_n)
redis.call("PEXPIRE", req_key, 61000)
if krpm > 0 then
  redis.call("INCRBY", kreq_key, granted_n)
  redis.call("PEXPIRE", kreq_key, 61000)
end
return reply("ok", user, key, plan, jur, req_limit, req_left - granted_n, tok_limit, tok_left, cached, balance)
`;

/**
 * A lease's flush (edge-lease.ts), after the responses (waitUntil): the settlements of the lease's finished requests
 * in one round trip, and, when `final`, the lease given back. Applied at most once per (lease, flush number).
 * - Credit: the batch's cost is taken from the lease's hold in `omz:resv:<user>` (the counter already lost it at the
 *   grant); what exceeds the hold, or all of it when the hold is gone (expired and swept, or the counter rebuilt),
 *   is taken from the credit counter and added to the key's spend counter. A final flush gives what is left of the
 *   hold back to both and deletes it.
 * - Slots named in ARGV 6 (the lease's free members `<lease>#i`) are released; a final flush names all of them.
 * - A final flush gives the lease's unused requests back to the minute windows of its grant (if they still exist).
 * - The batch's tokens go to the token windows of the grant; its usage records to the usage queue (one RPUSH) and
 *   their cost to the undrained usage; its cache entries are stored (not when the account turned its cache off).
 * Writes nothing for a deleted account.
 * KEYS (leaseFlushKeys): 1 deletion tombstone, 2 the flush marker, 3-4 the account's and the key's concurrency
 * slots, 5 reservations, 6 credit, 7-8 the account's and the key's request windows of the grant, 9-10 their token
 * windows, 11 the cache-off marker, 12 the cache index, 13 the usage queue, 14 undrained usage, 15 the account's
 * cache summary of this hour (prompt-cache/cache-summary.ts), then the key's spend counter (only when ARGV 7 is "1"),
 * then one key per cache entry.
 * ARGV: 1 lease id, 2 final ("1"/"0"), 3 the batch's cost (micro-USD), 4 its tokens, 5 unused requests (final),
 *       6 slot numbers to release (space-separated), 7 spend counter ("1"/"0"), 8 cache TTL (s), 9 the number of
 *       usage records, 10 their cost, 11 the hold's expiry (epoch ms) when it is kept, 12 the key has its own
 *       request and concurrency limits ("1"/"0"), then the usage records, then the cache entries (KEYS' order).
 */
export const LEASE_FLUSH_SCRIPT = `#!lua flags=allow-key-locking
${LOG_SUMMARY_LUA}
if redis.call("EXISTS", KEYS[1]) == 1 then return 0 end
if not redis.call("SET", KEYS[2], "1", "NX", "PX", 60000) then return 0 end
local unpack_ = unpack or table.unpack
local function int(n) return string.format("%.0f", n) end
local final = ARGV[2] == "1"
local keyed = ARGV[12] == "1"
local spend_key = ARGV[7] == "1" and KEYS[16] or nil
local first_cache = spend_key and 17 or 16
local cost = tonumber(ARGV[3])
local held = redis.call("HGET", KEYS[5], ARGV[1])
local left, over = 0, cost
if held then
  left = tonumber(string.match(held, "^(%-?%d+)")) - cost
  over = 0
  if left < 0 then over, left = -left, 0 end
end
local delta = (final and left or 0) - over
if delta ~= 0 then
  if redis.call("EXISTS", KEYS[6]) == 1 then redis.call("INCRBY", KEYS[6], int(delta)) end
  if spend_key and redis.call("EXISTS", spend_key) == 1 then redis.call("INCRBY", spend_key, int(-delta)) end
end
if held then
  if final then redis.call("HDEL", KEYS[5], ARGV[1])
  elseif cost ~= 0 then redis.call("HSET", KEYS[5], ARGV[1], int(left) .. ":" .. ARGV[11]) end
end
for slot in string.gmatch(ARGV[6], "%d+") do
  redis.call("ZREM", KEYS[3], ARGV[1] .. "#" .. slot)
  if keyed then redis.call("ZREM", KEYS[4], ARGV[1] .. "#" .. slot) end
end
if final and ARGV[5] ~= "0" then
  if redis.call("EXISTS", KEYS[7]) == 1 then redis.call("DECRBY", KEYS[7], ARGV[5]) end
  if keyed and redis.call("EXISTS", KEYS[8]) == 1 then redis.call("DECRBY", KEYS[8], ARGV[5]) end
end
if ARGV[4] ~= "0" then
  redis.call("INCRBY", KEYS[9], ARGV[4])
  redis.call("PEXPIRE", KEYS[9], 61000)
  redis.call("INCRBY", KEYS[10], ARGV[4])
  redis.call("PEXPIRE", KEYS[10], 61000)
end
local records = tonumber(ARGV[9])
if records > 0 then
  local batch = {}
  for i = 1, records do batch[i] = ARGV[12 + i] end
  redis.call("RPUSH", KEYS[13], unpack_(batch))
  if ARGV[10] ~= "0" then redis.call("INCRBY", KEYS[14], ARGV[10]) end
end
if #KEYS >= first_cache and redis.call("EXISTS", KEYS[11]) == 0 then
  local stored = {}
  for i = first_cache, #KEYS do
    redis.call("SET", KEYS[i], ARGV[12 + records + i - first_cache + 1], "EX", ARGV[8])
    stored[#stored + 1] = KEYS[i]
  end
  -- Index of the account's cache entries, so that deleting the account can delete them (their keys are HMACs).
  redis.call("SADD", KEYS[12], unpack_(stored))
  redis.call("EXPIRE", KEYS[12], ARGV[8])
  -- The hour's summary, so that isolates tell a miss without reading the entry.
  log_summary(KEYS[15], first_cache)
end
return 1
`;

/** The key record fields the isolate caches (edge-key-records.ts decodes them in this order). */
export const KEY_RECORD_FIELDS = [
  "missing",
  "u",
  "k",
  "p",
  "rpm",
  "tpm",
  "cc",
  "krpm",
  "ktpm",
  "kcc",
  "j",
  "pc",
  "sl",
  "sp",
  "exp",
  "al",
] as const;

/**
 * The key record as this isolate caches it (edge-key-records.ts), read before admission when the isolate does not
 * know the key: HMGET of KEY_RECORD_FIELDS, then the failed authentications of the subject (ARGV 1, "" = none) in
 * this and the previous minute, then the drain generation. With them a cold key goes straight to Postgres (or is
 * throttled) without a script run first. Read-only, so Upstash Global serves it from the nearest replica
 * (EVALSHA_RO). KEYS: 1 the key record, 2-3 the failed-auth counters, 4 the drain generation (as the admission's).
 */
export const KEY_RECORD_READ_SCRIPT = `#!lua flags=no-writes,allow-key-locking
local r = redis.call("HMGET", KEYS[1], ${KEY_RECORD_FIELDS.map((field) => `"${field}"`).join(", ")})
local failures = 0
if ARGV[1] ~= "" then
  failures = tonumber(redis.call("GET", KEYS[2]) or "0") + tonumber(redis.call("GET", KEYS[3]) or "0")
end
r[#r + 1] = failures
r[#r + 1] = redis.call("GET", KEYS[4]) or "0"
r[#r + 1] = redis.call("PTTL", KEYS[1])
return r
`;

/**
 * The drain's release, once a batch is in Postgres: if the draining list is still this run's claim (its first record
 * ARGV[1] and its length ARGV[2]; an overlapping run that claimed the same batch again finds it gone), empties it,
 * takes each account's drained cost off its undrained usage, and bumps the drain generation, so a credit counter
 * fill that read Postgres before this batch landed is refused (it would count the batch neither in Postgres nor in
 * Redis). Returns 0 when the claim was not this run's any more.
 * ARGV: 1 first record, 2 length, then pairs of (user id, drained cost in micro-USD).
 * KEYS (script-keys.ts drainReleaseKeys, for allow-key-locking): 1 the queue's draining list, 2 the drain generation,
 * then each pair's `omz:undrained:<user>`, in the pairs' order.
 */
export const DRAIN_RELEASE_SCRIPT = `#!lua flags=allow-key-locking
if redis.call("LLEN", KEYS[1]) ~= tonumber(ARGV[2]) or redis.call("LINDEX", KEYS[1], 0) ~= ARGV[1] then
  return 0
end
redis.call("DEL", KEYS[1])
local next_key = 3
for i = 3, #ARGV - 1, 2 do
  local key = KEYS[next_key]
  next_key = next_key + 1
  if redis.call("EXISTS", key) == 1 and redis.call("DECRBY", key, ARGV[i + 1]) <= 0 then redis.call("DEL", key) end
end
return redis.call("INCR", KEYS[2])
`;

/**
 * The drain's claim, per queue (a shard, or the legacy single queue): records left in its draining list by a run that
 * did not finish are claimed again (inserts are idempotent on the request id); otherwise up to ARGV[1] records move
 * from the queue to the draining list. KEYS (script-keys.ts drainClaimKeys): 1 the queue, 2 its draining list.
 */
export const DRAIN_CLAIM_SCRIPT = `#!lua flags=allow-key-locking
local items = redis.call("LRANGE", KEYS[2], 0, -1)
if #items > 0 then return items end
-- A batch moves in three commands whatever its size (Upstash bills each command, writes once more per read region).
items = redis.call("LRANGE", KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items == 0 then return items end
redis.call("LTRIM", KEYS[1], #items, -1)
redis.call("RPUSH", KEYS[2], (unpack or table.unpack)(items))
return items
`;
