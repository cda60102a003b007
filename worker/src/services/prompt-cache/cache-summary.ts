/**
 * The account's prompt-cache summary: one bit per entry stored, per hour, so an isolate can tell that a request is a
 * miss without reading Redis (docs/edge-leases.md, "The prompt-cache read"). `omz:pcsum:<userId>:<hour>` is a bitmap
 * the lease flush sets (one BITFIELD for the batch) for every entry it stores in that hour; an entry lives an hour,
 * so the entries alive now are all in this hour's summary or the last one's. A clear bit in both means "not cached"
 * for certain (as of the summary read); a set bit only "maybe" (another entry with the same slot), and the entry is
 * read. The bit holds no content: a slot from the first 28 bits of the entry key's HMAC (cache-key.ts).
 *
 * Only seven bits of a byte are used: the top bit stays 0, so the bitmap is ASCII and travels as a JSON string in
 * Upstash's REST replies. Bit numbering is Redis's: bit 0 is the most significant bit of the first byte.
 */
import { CACHE_KEY_PREFIX } from "./cache-key.ts";

/** Bytes of one hour's summary. */
export const SUMMARY_BYTES = 4096;
const BITS_PER_BYTE = 7;
/** Slots per summary: an account with n entries an hour sees about n / SUMMARY_SLOTS false "maybe" per hour read. */
export const SUMMARY_SLOTS = SUMMARY_BYTES * BITS_PER_BYTE;
const HOUR_MS = 3_600_000;

/** The hour a summary covers: entries stored in it. */
export const summaryHour = (nowMs: number): number => Math.floor(nowMs / HOUR_MS);

/** The summary of the account's entries stored in `hour`. */
export const cacheSummaryKey = (userId: string, hour: number): string => `omz:pcsum:${userId}:${hour}`;

/** The account's summaries that can exist at `nowMs`: the last hour's, this hour's and (clock skew) the next. */
export const accountCacheSummaryKeys = (userId: string, nowMs: number): string[] =>
  [-1, 0, 1].map((offset) => cacheSummaryKey(userId, summaryHour(nowMs) + offset));

/** When a summary may go (epoch seconds): the end of the next hour, when its last entry has expired. */
export const summaryExpiresAt = (hour: number): number => ((hour + 2) * HOUR_MS) / 1000;

/** Hex digits of the HMAC a slot is taken from: 28 bits, within the embedded Lua VM's 32-bit integers. */
const SLOT_HEX_DIGITS = 7;

/** An entry key's slot: its first 7 hex digits modulo SUMMARY_SLOTS; null for a key of another shape. */
export function summarySlot(entryKey: string): number | null {
  const hex = entryKey.slice(CACHE_KEY_PREFIX.length, CACHE_KEY_PREFIX.length + SLOT_HEX_DIGITS);
  if (!entryKey.startsWith(CACHE_KEY_PREFIX) || !/^[0-9a-f]{7}$/.test(hex)) return null;
  return Number.parseInt(hex, 16) % SUMMARY_SLOTS;
}

/** The Redis bit offset of a slot: the low seven bits of byte slot / 7. */
export function slotBitOffset(slot: number): number {
  return 8 * Math.floor(slot / BITS_PER_BYTE) + 1 + (slot % BITS_PER_BYTE);
}

/** Whether the summary (the string GET answered; "" when absent) has the slot's bit set. */
export function summaryHolds(summary: string, slot: number): boolean {
  const byte = Math.floor(slot / BITS_PER_BYTE);
  if (byte >= summary.length) return false;
  return (summary.charCodeAt(byte) & (0x80 >> (1 + (slot % BITS_PER_BYTE)))) !== 0;
}

/**
 * Lua defining `mark_summary(key, first)`: sets the bit of every entry key in KEYS[first..] in the summary `key`
 * (one BITFIELD; SETBIT per entry where BITFIELD is missing, as in the embedded Redis of a machine without one) and
 * its expiry, from the hour at the end of its name. The slot arithmetic is summarySlot's and slotBitOffset's.
 */
export const MARK_SUMMARY_LUA = `
local function mark_summary(key, first)
  local offsets = {}
  for i = first, #KEYS do
    local hex = string.sub(KEYS[i], ${CACHE_KEY_PREFIX.length + 1}, ${CACHE_KEY_PREFIX.length + SLOT_HEX_DIGITS})
    local slot = string.match(hex, "^%x+$") and #hex == ${SLOT_HEX_DIGITS} and tonumber(hex, 16)
    if slot then
      slot = slot % ${SUMMARY_SLOTS}
      offsets[#offsets + 1] = 8 * math.floor(slot / ${BITS_PER_BYTE}) + 1 + slot % ${BITS_PER_BYTE}
    end
  end
  if #offsets == 0 then return end
  local ops = {}
  for _, offset in ipairs(offsets) do
    ops[#ops + 1] = "SET"
    ops[#ops + 1] = "u1"
    ops[#ops + 1] = offset
    ops[#ops + 1] = 1
  end
  local reply = redis.pcall("BITFIELD", key, (unpack or table.unpack)(ops))
  if type(reply) == "table" and reply.err then
    for _, offset in ipairs(offsets) do redis.call("SETBIT", key, offset, 1) end
  end
  local hour = tonumber(string.match(key, ":(%d+)$"))
  redis.call("EXPIREAT", key, (hour + 2) * ${HOUR_MS / 1000})
end
`;
