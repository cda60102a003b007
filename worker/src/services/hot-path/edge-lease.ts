/**
 * Edge leases: a warm request is admitted from this isolate's memory, with no Upstash round trip before its upstream
 * call (docs/edge-leases.md). A lease is one admission for several requests (the admission script with lease wants,
 * lua-scripts.ts), granted on the primary: up to n requests counted in the minute windows, up to k concurrency slots,
 * and a credit hold. The isolate then admits requests against it locally, while
 * - the lease is of this minute, and the key record the isolate holds (edge-key-records.ts, at most 10 s old) is still
 *   the one it was granted under (so revocation, plan and limit changes reach it within 10 s);
 * - it has requests left, a free slot for a miss, a hold not yet spent (credit-checked requests), and the token
 *   window seen at the grant plus this isolate's tokens since is under the limit.
 * A new lease is granted in the background when half of one is used, when its slots are all taken, and in the last
 * seconds of a minute (for the next minute); a request waits for a grant only when no lease it holds can admit it
 * (the key's first request in this isolate, a burst beyond the lease, a limit reached: the grant then refuses it).
 * Requests that find no room wait for the grant already on its way rather than start their own.
 * Requests finish into the lease: their settlements are batched and flushed after the responses (LEASE_FLUSH_SCRIPT,
 * through waitUntil, durably: durable-settlement.ts). A lease replaced by a newer one is given back by its last
 * flush once its requests have finished; an idle one after EDGE_LEASE_QUIET_MS; an isolate that dies leaves it to
 * expire in Redis (the hold and slots after SLOT_TTL_MS, as a crashed request's).
 * Bounds (edge-bounds.ts): requests per minute and concurrency are never exceeded (a lease holds what it grants);
 * credit goes below zero by less than one reservation per lease holder, plus actual costs above reservations.
 */
import { GatewayError } from "../../errors.ts";
import { LEASES_PER_ISOLATE } from "./edge-bounds.ts";
import { settleBatchDurably, type DurableSettlementPorts } from "./durable-settlement.ts";
import { admit, type Admission, type AdmissionInput, type RateLimitState } from "./admission.ts";
import { summaryHour } from "../prompt-cache/cache-summary.ts";
import { edgeCacheSummaries } from "./edge-cache-summaries.ts";
import { edgeKeyRecord, edgeKeyRecords, type EdgeKeyRecord, type KeyRecordRead } from "./edge-key-records.ts";
import { runLeaseFlush } from "./lease-flush.ts";
import type { QueuedUsage } from "../request-recorder.ts";

/** A key record Redis drops within this is filled again by the next background grant (60 s TTL: admission.ts). */
const REFILL_AHEAD_MS = 20_000;
/** In the last this-many ms of a minute, the next lease is granted for the next minute. */
const NEXT_WINDOW_MS = 5_000;
/** Finished requests wait this long for others to join their flush. */
const FLUSH_DELAY_MS = 20;
/** At most this many settlements per flush. */
const MAX_BATCH = 64;
/** Requests a lease asks for: twice what the previous one used, within these bounds. */
const MIN_LEASE_REQUESTS = 16;
const MAX_LEASE_REQUESTS = 128;
/** Slots a lease asks for: one per request waiting for room, plus this many, at most MAX_LEASE_SLOTS. */
const SPARE_SLOTS = 2;
const MAX_LEASE_SLOTS = 16;
/** Credit a lease asks to hold: this many reservations of the request that asked, at most MAX_HOLD_MICRO_USD. */
const HOLD_RESERVATIONS = 16;
const MAX_HOLD_MICRO_USD = 2_000_000;
/**
 * Renewal ahead of need: the key's leases are renewed once they hold less than RENEW_MARGIN times what the key uses
 * during one grant (its pace times the last grant's round trip), and a lease asks for LEASE_GRANT_TIMES that.
 */
const RENEW_MARGIN = 1.5;
const LEASE_GRANT_TIMES = 3;
/** The key's pace: a moving average of the time between admissions (weight of the newest), gaps capped. */
const PACE_WEIGHT = 0.1;
const PACE_MAX_INTERVAL_MS = 1_000;
/** A request waits for at most this many grants (each one a round trip) before it is refused as unavailable. */
const MAX_GRANT_ROUNDS = 8;
/** A quiet watcher never outlives this (waitUntil keeps a request's work for 30 s). */
const QUIET_WATCH_LIMIT_MS = 25_000;

/** What finishing a request settles. */
export interface TicketSettlement {
  costMicroUsd: number;
  tokens: number;
  usage?: QueuedUsage;
  cache?: { key: string; entry: string };
}

export interface EdgeAdmissionInput extends Omit<AdmissionInput, "lease" | "now"> {
  /** A grant of slots only (no request counted, no credit): for requests another lease admitted. */
  slotsOnly?: boolean;
  /** Whether a miss takes a concurrency slot (false for requests that call no model). */
  needsSlot: boolean;
  quietMs: number;
  ports: DurableSettlementPorts;
  waitUntil: (work: Promise<unknown>) => void;
}

/** One admitted request: finish it exactly once. */
export interface Ticket {
  readonly admission: Admission;
  /** Settles the request into its lease (flushed after the response). Later calls do nothing. */
  finish(settlement: TicketSettlement): void;
  /** A hit that could not be served becomes a miss: it takes a concurrency slot (a grant if none is free). */
  takeSlot(): Promise<void>;
}

type Flusher = Pick<EdgeAdmissionInput, "redis" | "ports" | "waitUntil">;

interface Pending extends TicketSettlement {
  requestId: string;
}

class Lease {
  requestsUsed = 0;
  spent = 0;
  tokensSince = 0;
  /** Requests admitted from it, or holding one of its slots, and not finished. */
  inFlight = 0;
  lastActivity: number;
  retired = false;
  returned = false;
  flushes = 0;
  pending: Pending[] = [];
  flushing: Promise<void> | null = null;
  quietWatch = false;
  /** Slot numbers held and not in use; `slots` are all those still held. */
  readonly freeSlots: number[];
  readonly slots: Set<number>;

  constructor(
    readonly id: string,
    /** Where its flushes go (the granting request's clients; they outlive it: module-level, per configuration). */
    readonly flusher: Flusher,
    readonly record: EdgeKeyRecord,
    readonly signature: string,
    readonly window: number,
    readonly requestsGranted: number,
    slotCount: number,
    readonly hold: number,
    readonly checksCredit: boolean,
    readonly spendKey: string,
    readonly rate: RateLimitState,
  ) {
    this.lastActivity = Date.now();
    this.freeSlots = Array.from({ length: slotCount }, (_, index) => slotCount - index);
    this.slots = new Set(this.freeSlots);
  }

  /** Whether it may still admit anything: of this minute, under the key record the isolate holds now. */
  current(now: number, signature: string): boolean {
    return !this.retired && Math.floor(now / 60_000) === this.window && signature === this.signature;
  }

  /** Whether it admits one more request (its slot aside). */
  admits(checkCredit: boolean): boolean {
    if (this.requestsUsed >= this.requestsGranted) return false;
    if (checkCredit && (!this.checksCredit || this.spent >= this.hold)) return false;
    return this.rate.remainingTokens - this.tokensSince > 0;
  }

  /** Whether it can never admit again (its requests or its hold used up); a lease for slots only never is. */
  exhausted(): boolean {
    if (this.requestsGranted === 0) return false;
    return this.requestsUsed >= this.requestsGranted || (this.checksCredit && this.spent >= this.hold);
  }
}

/** The fields of a key record a lease depends on: a change makes the isolate ask for a new lease. */
function recordSignature(record: EdgeKeyRecord): string {
  let signature = signatures.get(record);
  if (signature === undefined) {
    signature = signatureOf(record);
    signatures.set(record, signature);
  }
  return signature;
}

/**
 * Once per record object: the isolate's cache hands out the same object until it reads the record again, so a warm
 * request does not serialize it anew.
 */
const signatures = new WeakMap<EdgeKeyRecord, string>();

function signatureOf(record: EdgeKeyRecord): string {
  return JSON.stringify([
    record.userId,
    record.keyId,
    record.plan,
    record.limits,
    record.keyLimits,
    record.allowedJurisdictions,
    record.promptCacheEnabled,
    record.spendLimitMicroUsd,
    record.spendPeriodCode,
    record.expiresAtMs,
  ]);
}

interface KeyLeases {
  /** Oldest first; retired ones leave the list. */
  leases: Lease[];
  granting: Promise<Granted> | null;
  /** Whether a refusal of the grant on its way answers the requests waiting for it. */
  grantingShared: boolean;
  /** Requests the last retired lease admitted, to size the next one. */
  lastUsed: number;
  /** Requests now looking for room, to size a grant. */
  waiting: number;
  /** How long the last grant took (ms): its round trip to the primary. */
  grantMs: number;
  /** Time between two requests admitted (ms, a moving average; 0 before the second). */
  intervalMs: number;
  lastAdmittedAt: number;
}

const leases = new Map<string, KeyLeases>();

/**
 * Retires every lease this isolate holds (each is given back once its requests finish), as when the isolate learns
 * that its key records are out of date; tests use it to stand for the 10 s in which the isolate would learn it.
 */
export function retireEdgeLeases(): void {
  for (const held of leases.values()) {
    for (const lease of [...held.leases]) retire(held, lease, lease.flusher);
  }
}

function leasesOf(keyHash: string): KeyLeases {
  let held = leases.get(keyHash);
  if (!held) {
    held = {
      leases: [],
      granting: null,
      grantingShared: false,
      lastUsed: 0,
      waiting: 0,
      grantMs: 0,
      intervalMs: 0,
      lastAdmittedAt: 0,
    };
    leases.set(keyHash, held);
  }
  return held;
}

const tooManyInFlight = () =>
  new GatewayError(
    "too_many_concurrent_requests",
    "Too many requests in flight at once for this plan or key; retry when one finishes.",
    { headers: { "retry-after": "1" } },
  );

/**
 * Admits one request: from a lease this isolate holds when one has room, else after a grant on the primary (which
 * refuses it when a limit, the credit or the key says no). The prompt cache, when the account has it on and
 * `cacheKey` is set, is read from the nearest replica.
 */
export async function admitFromLease(input: EdgeAdmissionInput): Promise<Ticket> {
  const held = leasesOf(input.keyHash);
  const deps = { scripts: input.redis, waitUntil: input.waitUntil };
  const now = Date.now();
  let read: KeyRecordRead | undefined;
  const entry = await edgeKeyRecord(deps, input.keyHash, { clientIp: input.clientIp, now }, (fresh) => {
    read = fresh;
  }).catch(() => null);
  if (entry?.kind !== "key" || (entry.record.expiresAtMs > 0 && now >= entry.record.expiresAtMs)) {
    // Unknown, revoked, expired or unreadable here: nothing is admitted locally; the grant's script decides.
    retireAll(held, input);
  }
  let record = entry?.kind === "key" ? entry.record : null;
  let lookup: Promise<string | null> | null = null;
  let lastGrant: Lease | null = null;
  let noSlot = false;
  held.waiting += 1;
  try {
    for (let round = 0; ; round += 1) {
      if (record) {
        lookup ??= lookUp(input, record, now);
        const result = await tryLocally(input, held, record, lookup);
        if (result.ticket) return result.ticket;
        // The newest grant left no slot for a miss: the concurrency limit is reached.
        if (result.noSlot && lastGrant && lastGrant.slots.size === 0) throw tooManyInFlight();
        noSlot = result.noSlot === true;
      }
      if (round >= MAX_GRANT_ROUNDS) {
        throw new GatewayError("service_unavailable", "The gateway is busy admitting this key; retry in a second.", {
          headers: { "retry-after": "1" },
        });
      }
      // The record read above is handed to this request's first grant only: later, Redis may know better.
      const recordRead = round === 0 ? read : undefined;
      if (held.granting) {
        // Another request's grant. Its refusal is this request's too when it asked for what this one needs (requests
        // and credit: a limit reached, the credit used up, the key refused); else look again.
        const shared = held.grantingShared && !noSlot;
        lastGrant = await held.granting.then(
          (granted) => granted.lease,
          (error: unknown) => {
            if (shared && error instanceof GatewayError && (input.checkCredit || error.code !== "insufficient_credit"))
              throw error;
            return null;
          },
        );
      } else if (noSlot) {
        // A lease has room for the request but no free slot: slots only, without counting it again.
        const slots = { ...input, slotsOnly: true, checkCredit: false, cacheKey: null, recordRead };
        lastGrant = (await startGrant(slots, held, Date.now())).lease;
      } else {
        // This request's own grant also reads the prompt cache for it (one round trip, as before leases), and
        // reuses the key record read above.
        const own = lookup ? null : input.cacheKey;
        const granted = await startGrant({ ...input, cacheKey: own, recordRead }, held, Date.now());
        lastGrant = granted.lease;
        if (own !== null) lookup = Promise.resolve(granted.cachedEntry);
      }
      const known = edgeKeyRecords.peek(input.keyHash);
      record = known?.kind === "key" ? known.record : null;
      // The grant read the cache for this request; the account's summary is read now, for the next ones.
      if (record && input.cacheKey && record.promptCacheEnabled) {
        edgeCacheSummaries.prime({ reader: input.redis, waitUntil: input.waitUntil }, record.userId, Date.now());
      }
    }
  } finally {
    held.waiting -= 1;
  }
}

/**
 * The prompt-cache entry for a warm request: read from the nearest replica, unless the account's summary says there
 * is none (edge-cache-summaries.ts: a miss then costs no Redis read).
 */
function lookUp(input: EdgeAdmissionInput, record: EdgeKeyRecord, now: number): Promise<string | null> {
  const { cacheKey } = input;
  if (!cacheKey || !record.promptCacheEnabled) return Promise.resolve(null);
  const deps = { reader: input.redis, waitUntil: input.waitUntil };
  if (!edgeCacheSummaries.mayHold(deps, record.userId, cacheKey, now)) return Promise.resolve(null);
  return input.redis.getString(cacheKey).catch(() => null);
}

async function tryLocally(
  input: EdgeAdmissionInput,
  held: KeyLeases,
  record: EdgeKeyRecord,
  lookup: Promise<string | null>,
): Promise<{ ticket?: Ticket; noSlot?: boolean }> {
  const now = Date.now();
  const signature = recordSignature(record);
  for (const lease of [...held.leases]) {
    // Out of date, or used up: retired, so that what it still holds goes back once its requests finish.
    const stale = !lease.current(now, signature) && Math.floor(now / 60_000) >= lease.window;
    if (stale || lease.exhausted()) retire(held, lease, input);
  }
  const lease = held.leases.find(
    (candidate) => candidate.current(now, signature) && candidate.admits(input.checkCredit),
  );
  if (!lease) return {};
  const ticket = takeTicket(held, lease, input);
  const cachedEntry = await lookup;
  if (!cachedEntry && input.needsSlot && !ticket.takeHeldSlot()) {
    ticket.cancel();
    return { noSlot: true };
  }
  const refill = storedBriefly(record, now);
  if (refill || runningLow(held, now) || (now + NEXT_WINDOW_MS) / 60_000 >= lease.window + 1)
    renewInBackground(input, held, refill);
  return { ticket: ticket.finalize(cachedEntry, record) };
}

/** A grant on the primary for this key; requests that find no room meanwhile wait for it. */
function startGrant(input: EdgeAdmissionInput, held: KeyLeases, at: number): Promise<Granted> {
  const work = grant(input, held, at);
  held.granting = work;
  // Not a grant for slots only, nor one for the next minute: its refusal would be every waiting request's.
  held.grantingShared = input.slotsOnly !== true && Math.floor(at / 60_000) === Math.floor(Date.now() / 60_000);
  const clear = () => {
    if (held.granting === work) held.granting = null;
  };
  work.then(clear, clear);
  return work;
}

interface Granted {
  lease: Lease;
  /** The prompt-cache entry the grant read for the request that asked (null without a lookup or on a miss). */
  cachedEntry: string | null;
}

async function grant(input: EdgeAdmissionInput, held: KeyLeases, at: number): Promise<Granted> {
  const reservation = input.checkCredit ? input.reservationMicroUsd : 0;
  // Enough for several grants' time at the key's pace, so that the next grant arrives before this lease runs out.
  const paced = Math.ceil(LEASE_GRANT_TIMES * requestsDuringGrant(held));
  const requests = Math.min(MAX_LEASE_REQUESTS, Math.max(MIN_LEASE_REQUESTS, held.lastUsed * 2, held.waiting, paced));
  const wants = {
    // Slots for the requests in flight and waiting now, and two more: slots held idle could refuse other isolates'
    // requests, so no more than that.
    slots: Math.min(MAX_LEASE_SLOTS, inFlight(held) + held.waiting + SPARE_SLOTS),
    requests: input.slotsOnly ? 0 : requests,
    holdMicroUsd: Math.min(MAX_HOLD_MICRO_USD, reservation * HOLD_RESERVATIONS),
  };
  const leaseId = `L${crypto.randomUUID()}`;
  const started = Date.now();
  const admission = await admit({ ...input, requestId: leaseId, lease: wants, now: at });
  held.grantMs = Date.now() - started;
  const entry = edgeKeyRecords.peek(input.keyHash);
  if (entry?.kind !== "key") throw new GatewayError("internal_error", "Admission failed.");
  const granted = admission.grant ?? { requests: 0, slots: 0, holdMicroUsd: 0 };
  const lease = new Lease(
    leaseId,
    { redis: input.redis, ports: input.ports, waitUntil: (work) => void work.catch(() => undefined) },
    entry.record,
    recordSignature(entry.record),
    admission.window,
    granted.requests,
    granted.slots,
    granted.holdMicroUsd,
    input.checkCredit,
    admission.spendKey,
    admission.rateLimit,
  );
  held.leases.push(lease);
  watchQuiet(held, lease, input);
  return { lease, cachedEntry: admission.cachedEntry };
}

/**
 * Whether the key's current leases, together, are running low: less than half a lease of requests or of credit left,
 * or no free slot. (Per key, not per lease: older leases are used first, and each would look low on its own.)
 */
function runningLow(held: KeyLeases, now: number): boolean {
  const window = Math.floor(now / 60_000);
  const live = held.leases.filter((lease) => !lease.retired && lease.window === window);
  const admitting = live.filter((lease) => lease.requestsGranted > 0);
  const newest = admitting.at(-1);
  if (!newest) return true;
  // Never more leases to admit from at once than the credit bound counts (edge-bounds.ts): a slot a request lacks
  // then comes from a grant of slots only.
  if (admitting.filter((lease) => !lease.exhausted()).length >= LEASES_PER_ISOLATE) return false;
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  // What the key uses while a grant is on its way, with a margin: renewing later would leave requests waiting.
  const ahead = RENEW_MARGIN * requestsDuringGrant(held);
  const requestsLeft = sum(admitting.map((lease) => lease.requestsGranted - lease.requestsUsed));
  if (requestsLeft <= Math.max(newest.requestsGranted / 2, ahead)) return true;
  const credit = admitting.filter((lease) => lease.checksCredit);
  const perRequest = newest.requestsUsed > 0 ? newest.spent / newest.requestsUsed : 0;
  const creditLeft = sum(credit.map((lease) => Math.max(0, lease.hold - lease.spent)));
  if (credit.length > 0 && creditLeft <= Math.max(newest.hold / 2, ahead * perRequest)) return true;
  return sum(live.map((lease) => lease.freeSlots.length)) === 0;
}

/** Requests the key is expected to use in this isolate while one grant is on its way (0 before it is known). */
function requestsDuringGrant(held: KeyLeases): number {
  return held.intervalMs > 0 ? held.grantMs / held.intervalMs : 0;
}

/** Notes an admitted request, for the key's pace. */
function notePace(held: KeyLeases, now: number): void {
  if (held.lastAdmittedAt > 0) {
    const interval = Math.min(now - held.lastAdmittedAt, PACE_MAX_INTERVAL_MS);
    held.intervalMs = held.intervalMs === 0 ? interval : held.intervalMs * (1 - PACE_WEIGHT) + interval * PACE_WEIGHT;
  }
  held.lastAdmittedAt = now;
}

/** Requests of the key in flight in this isolate, whichever lease admitted them. */
function inFlight(held: KeyLeases): number {
  return held.leases.reduce((total, lease) => total + lease.inFlight, 0);
}

/**
 * Whether Redis drops the key record within REFILL_AHEAD_MS: the next grant then fills it again from Postgres (in the
 * background), rather than a request finding it gone and waiting for the cold fill.
 */
function storedBriefly(record: EdgeKeyRecord, now: number): boolean {
  const until = record.storedUntilMs ?? 0;
  return until > 0 && until - now < REFILL_AHEAD_MS;
}

/**
 * Starts a background grant when none is on its way: for the next minute in the last seconds of this one. `refill`:
 * it also fills the key record again from Postgres.
 */
function renewInBackground(input: EdgeAdmissionInput, held: KeyLeases, refill = false): void {
  if (held.granting) return;
  const now = Date.now();
  const minuteEnd = (Math.floor(now / 60_000) + 1) * 60_000;
  const nextWindow = minuteEnd - now <= NEXT_WINDOW_MS;
  if (!refill && nextWindow && held.leases.some((lease) => lease.window * 60_000 >= minuteEnd)) return;
  // A credit-checked lease (a request without the credit check may have asked), sized on the newest one.
  const newest = held.leases.at(-1);
  const reservation = Math.max(
    input.checkCredit ? input.reservationMicroUsd : 0,
    (newest?.hold ?? 0) / HOLD_RESERVATIONS,
  );
  const wants = { ...input, cacheKey: null, checkCredit: true, reservationMicroUsd: Math.ceil(reservation), refill };
  const work = startGrant(wants, held, nextWindow ? minuteEnd : now).catch(() => null);
  input.waitUntil(work);
}

interface LocalTicket extends Ticket {
  takeHeldSlot(): boolean;
  cancel(): void;
  finalize(cachedEntry: string | null, record: EdgeKeyRecord): Ticket;
}

function takeTicket(held: KeyLeases, lease: Lease, input: EdgeAdmissionInput): LocalTicket {
  const reservation = input.checkCredit ? input.reservationMicroUsd : 0;
  lease.requestsUsed += 1;
  lease.spent += reservation;
  lease.inFlight += 1;
  lease.lastActivity = Date.now();
  notePace(held, lease.lastActivity);
  let slot: { lease: Lease; number: number } | null = null;
  let done = false;
  let admission: Admission | null = null;
  // A slot of this lease, else of another current lease of the key (which then counts the request in flight too).
  const borrow = (): boolean => {
    const now = Date.now();
    for (const candidate of [lease, ...held.leases]) {
      if (candidate !== lease && (candidate.retired || Math.floor(now / 60_000) !== candidate.window)) continue;
      const number = candidate.freeSlots.pop();
      if (number === undefined) continue;
      if (candidate !== lease) candidate.inFlight += 1;
      slot = { lease: candidate, number };
      return true;
    }
    return false;
  };
  const releaseSlot = (): Lease | null => {
    if (!slot) return null;
    const owner = slot.lease;
    owner.freeSlots.push(slot.number);
    slot = null;
    if (owner === lease) return null;
    owner.inFlight -= 1;
    return owner;
  };
  const ticket: LocalTicket = {
    get admission(): Admission {
      if (!admission) throw new Error("ticket not finalized");
      return admission;
    },
    takeHeldSlot: borrow,
    cancel() {
      done = true;
      releaseSlot();
      lease.requestsUsed -= 1;
      lease.spent -= reservation;
      lease.inFlight -= 1;
    },
    finalize(cachedEntry, record) {
      admission = {
        auth: {
          userId: record.userId,
          keyId: record.keyId,
          plan: record.plan,
          allowedJurisdictions: record.allowedJurisdictions,
        },
        rateLimit: localRate(lease, Date.now()),
        cachedEntry,
        promptCacheEnabled: record.promptCacheEnabled,
        window: lease.window,
        reservationMicroUsd: reservation,
        spendKey: lease.spendKey,
        grant: null,
      };
      return ticket;
    },
    async takeSlot() {
      if (slot || done) return;
      for (let round = 0; round < MAX_GRANT_ROUNDS; round += 1) {
        if (borrow()) return;
        // A grant of slots only: the request is already counted and reserved.
        // Another request's grant may be refused for what it asked (requests, credit): this one needs a slot only.
        const granted = await (
          held.granting ??
          startGrant({ ...input, slotsOnly: true, checkCredit: false, cacheKey: null }, held, Date.now())
        ).catch(() => null);
        if (granted?.lease.slots.size === 0) break;
      }
      throw tooManyInFlight();
    },
    finish(settlement) {
      if (done) return;
      done = true;
      const lender = releaseSlot();
      lease.spent += settlement.costMicroUsd - reservation;
      lease.tokensSince += settlement.tokens;
      lease.inFlight -= 1;
      lease.lastActivity = Date.now();
      lease.pending.push({ requestId: input.requestId, ...settlement });
      if (lender) scheduleFlush(held, lender, input);
      scheduleFlush(held, lease, input);
      watchQuiet(held, lease, input);
    },
  };
  return ticket;
}

function localRate(lease: Lease, now: number): RateLimitState {
  return {
    limitRequests: lease.rate.limitRequests,
    remainingRequests: Math.max(0, lease.rate.remainingRequests + lease.requestsGranted - lease.requestsUsed),
    limitTokens: lease.rate.limitTokens,
    remainingTokens: Math.max(0, lease.rate.remainingTokens - lease.tokensSince),
    resetMs: (lease.window + 1) * 60_000 - now,
  };
}

/** No new requests from it; given back by its flush once its requests have finished. */
function retire(held: KeyLeases, lease: Lease, input: Flusher): void {
  if (lease.retired) return;
  lease.retired = true;
  held.leases = held.leases.filter((candidate) => candidate !== lease);
  held.lastUsed = lease.requestsUsed;
  scheduleFlush(held, lease, input);
}

function retireAll(held: KeyLeases, input: Flusher): void {
  for (const lease of [...held.leases]) retire(held, lease, input);
}

/** Flushes the lease's finished requests soon (batched), and gives it back once retired and idle. */
function scheduleFlush(held: KeyLeases, lease: Lease, input: Flusher): void {
  if (lease.returned) return;
  if (!lease.flushing) {
    lease.flushing = (async () => {
      try {
        await sleep(FLUSH_DELAY_MS);
        await flushLease(lease, input);
      } finally {
        lease.flushing = null;
      }
      // Settlements that arrived during the flush, or the lease became idle meanwhile.
      if (lease.pending.length > 0 || (lease.retired && lease.inFlight === 0 && !lease.returned)) {
        scheduleFlush(held, lease, input);
      }
    })();
  }
  input.waitUntil(lease.flushing);
}

async function flushLease(lease: Lease, input: Flusher): Promise<void> {
  while (!lease.returned) {
    const batch = lease.pending.splice(0, MAX_BATCH);
    const final = lease.retired && lease.inFlight === 0 && lease.pending.length === 0;
    // A retired lease's free slots go back at once; its final flush gives back every slot it still holds.
    const release = final ? [...lease.slots] : lease.retired ? lease.freeSlots.splice(0) : [];
    if (batch.length === 0 && !final && release.length === 0) return;
    for (const number of release) lease.slots.delete(number);
    lease.flushes += 1;
    if (final) lease.returned = true;
    await flushBatch(lease, input, batch, final, release);
  }
}

async function flushBatch(
  lease: Lease,
  input: Flusher,
  batch: Pending[],
  final: boolean,
  release: number[],
): Promise<void> {
  const records = batch.flatMap((item) => (item.usage ? [item.usage] : []));
  const cache = batch.flatMap((item) => (item.cache ? [item.cache] : []));
  const cost = batch.reduce((sum, item) => sum + item.costMicroUsd, 0);
  const tokens = batch.reduce((sum, item) => sum + item.tokens, 0);
  const keyLimited = lease.record.keyLimits.requestsPerMinute > 0 || lease.record.keyLimits.concurrentRequests > 0;
  const flush = lease.flushes;
  const hour = summaryHour(Date.now());
  const run = (withUsage: boolean) =>
    runLeaseFlush(input.redis, {
      leaseId: lease.id,
      flush,
      userId: lease.record.userId,
      keyId: lease.record.keyId,
      window: lease.window,
      spendKey: lease.spendKey,
      keyLimited,
      final,
      costMicroUsd: cost,
      tokens,
      unusedRequests: Math.max(0, lease.requestsGranted - lease.requestsUsed),
      releaseSlots: release,
      usage: withUsage ? records : [],
      cache,
      summaryHour: hour,
    });
  await settleBatchDurably(input.ports, { id: `${lease.id}:${flush}`, usage: records, apply: run });
  edgeCacheSummaries.noteStored(
    lease.record.userId,
    cache.map((item) => item.key),
    hour,
  );
}

/** Gives an idle lease back after the quiet time (inside one request's waitUntil, at most QUIET_WATCH_LIMIT_MS). */
function watchQuiet(held: KeyLeases, lease: Lease, input: EdgeAdmissionInput): void {
  if (lease.quietWatch || lease.retired) return;
  lease.quietWatch = true;
  const started = Date.now();
  const work = (async () => {
    try {
      for (;;) {
        const wait = lease.lastActivity + input.quietMs - Date.now();
        if (wait <= 0) break;
        if (Date.now() + wait - started > QUIET_WATCH_LIMIT_MS) return;
        await sleep(wait);
      }
      // Requests still in flight keep it; the last one's finish watches again.
      if (lease.inFlight === 0) retire(held, lease, input);
    } finally {
      lease.quietWatch = false;
    }
  })();
  input.waitUntil(work);
}

const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));
