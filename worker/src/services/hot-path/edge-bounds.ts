/**
 * The bounds the hot path states for an account used from many isolates at once (issue 14), as small pure functions,
 * so the tests that prove them (local/multi-gateway/bounds.test.ts: several workerd processes sharing Redis under
 * replication lag) and the docs read one definition (docs/edge-leases.md). Edge leases pre-count requests and hold
 * slots, so the limits stay exact; credit may go below zero by less than one reservation per lease that held credit
 * when it ran out, and an isolate uses at most two leases of a key at once (a lease and its renewal).
 */
import { KEY_RECORD_MAX_STALE_MS } from "./edge-key-records.ts";

/** Requests admitted beyond the per-minute limit in one minute window, with `holders` isolates using the key. */
export function requestsOverLimit(_holders: number): number {
  return 0;
}

/** Requests in flight beyond the concurrency limit at any moment, with `holders` isolates using the key. */
export function concurrencyOverLimit(_holders: number): number {
  return 0;
}

/** Leases of one key an isolate admits from at once: the current one and its renewal (edge-lease.ts). */
export const LEASES_PER_ISOLATE = 2;

/**
 * How far below zero the account's balance may end (micro-USD) when `holders` isolates hold credit on it and the
 * largest single reservation is `maxReservationMicroUsd`; plus what real costs exceed their reservations (not here).
 */
export function creditOverdraftMicroUsd(holders: number, maxReservationMicroUsd: number): number {
  return holders * LEASES_PER_ISOLATE * maxReservationMicroUsd;
}

/**
 * Within how long a revocation, plan or limit change made anywhere is enforced by every isolate: the key record's
 * staleness bound, plus one replica read and the replication lag.
 */
export function changeEffectiveWithinMs(replicaRttMs: number, replicationLagMs: number): number {
  return KEY_RECORD_MAX_STALE_MS + replicaRttMs + replicationLagMs;
}

/**
 * Within how long after an isolate's traffic on a key stops it holds nothing of the account in Redis (reservations,
 * concurrency slots): the quiet time (`EDGE_LEASE_QUIET_MS`), plus one primary round trip to return it and the
 * replication lag before a replica shows it.
 */
export function quietReturnWithinMs(quietMs: number, primaryRttMs: number, replicationLagMs: number): number {
  return quietMs + primaryRttMs + replicationLagMs;
}
