/**
 * One request admitted and settled through the lease path, one lease per request, for the script-level tests that
 * check what Redis holds after each step (without an isolate's in-memory leases): the grant is the admission
 * script's lease mode (admission.ts `admit` with lease wants, as edge-lease.ts grants), the settlement the lease's
 * final flush (lease-flush.ts, as edge-lease.ts flushes). The lease holds the request's reservation as its credit
 * hold (less when the balance or the key's spend limit leaves less), one slot and one request.
 */
import type { AccountRecord } from "../../src/services/hot-path/account-record.ts";
import { admit, type Admission, type AdmissionInput } from "../../src/services/hot-path/admission.ts";
import { runLeaseFlush } from "../../src/services/hot-path/lease-flush.ts";
import type { TicketSettlement } from "../../src/services/hot-path/edge-lease.ts";

export interface LeasedRequest {
  leaseId: string;
  admission: Admission;
  /**
   * The lease's final flush (number 1): the request's cost from the hold, the rest of the hold, the slot and the
   * unused requests given back. Resolves to the script's reply: 1 when applied, 0 when it was already.
   */
  finish(settlement: TicketSettlement): Promise<number>;
}

export type LeasedRequestInput = Omit<AdmissionInput, "lease" | "requestId"> & { leaseId?: string };

/** Grants a lease for one request (refused as admit refuses: a GatewayError). */
export async function admitOnLease(input: LeasedRequestInput): Promise<LeasedRequest> {
  const leaseId = input.leaseId ?? `L${crypto.randomUUID()}`;
  const lease = { slots: 1, requests: 1, holdMicroUsd: input.checkCredit ? input.reservationMicroUsd : 0 };
  const admission = await admit({ ...input, requestId: leaseId, lease });
  const grant = admission.grant ?? { requests: 0, slots: 0, holdMicroUsd: 0 };
  const finish = (settlement: TicketSettlement) =>
    runLeaseFlush(input.redis, {
      leaseId,
      flush: 1,
      userId: admission.auth.userId,
      keyId: admission.auth.keyId,
      window: admission.window,
      spendKey: admission.spendKey,
      // The key's own windows and slots are given back too: nothing of them is held for a key without own limits.
      keyLimited: true,
      final: true,
      costMicroUsd: settlement.costMicroUsd,
      tokens: settlement.tokens,
      unusedRequests: Math.max(0, grant.requests - 1),
      releaseSlots: Array.from({ length: grant.slots }, (_, index) => index + 1),
      usage: settlement.usage ? [settlement.usage] : [],
      cache: settlement.cache ? [settlement.cache] : [],
    });
  return { leaseId, admission, finish };
}

/** A key's account record as a cold fill reads it from Postgres: limits that never refuse, no spend limit. */
export function accountRecord(overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    userId: `user-${crypto.randomUUID()}`,
    keyId: `key-${crypto.randomUUID()}`,
    plan: "internal",
    limits: { requestsPerMinute: 1_000_000, tokensPerMinute: 1_000_000_000, concurrentRequests: 10_000 },
    keyLimits: { requestsPerMinute: 0, tokensPerMinute: 0, concurrentRequests: 0 },
    allowedJurisdictions: null,
    promptCacheEnabled: true,
    balanceMicroUsd: 1_000_000_000,
    spendLimit: null,
    periodSpendMicroUsd: 0,
    expiresAtMs: null,
    modelAliases: {},
    ...overrides,
  };
}
