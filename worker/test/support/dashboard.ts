/**
 * Test helpers for the dashboard API and the Clerk webhook: session tokens signed like Clerk's with the run's
 * generated key pair (DEV_SIGNING_KEY / CLERK_JWT_KEY bindings), seeded dashboard users, Svix-signed webhook
 * deliveries computed by hand (an oracle independent of the library the worker verifies with), and what the fake
 * Clerk received.
 */
import { env } from "cloudflare:test";
import { users } from "../../../db/schema.ts";
import { signSessionToken } from "../../src/services/identity/dev-session.ts";
import { gatewayFetch, grantTestCredit, withDatabase } from "./gateway.ts";

const bindings = env as unknown as Record<string, string>;

/** The SPA origin the test worker accepts (first of CLERK_AUTHORIZED_PARTIES). */
export const DASHBOARD_ORIGIN = "http://dashboard.test";

export interface TokenOptions {
  authorizedParty?: string;
  ttlSeconds?: number;
  /** Another private key (PKCS#8 PEM) than the one the worker trusts. */
  privateKeyPem?: string;
  /** Claims to vary (session-token.ts): `iss`, `sid` (null: none), `fva[0]` (null: no fva), and the issue time. */
  issuer?: string;
  sessionId?: string | null;
  firstFactorAgeMinutes?: number | null;
  now?: Date;
}

export async function sessionToken(clerkUserId: string, options: TokenOptions = {}): Promise<string> {
  const minted = await signSessionToken(options.privateKeyPem ?? bindings.DEV_SIGNING_KEY ?? "", {
    clerkUserId,
    authorizedParty: options.authorizedParty ?? DASHBOARD_ORIGIN,
    ...(options.ttlSeconds !== undefined && { ttlSeconds: options.ttlSeconds }),
    ...(options.issuer !== undefined && { issuer: options.issuer }),
    ...(options.sessionId !== undefined && { sessionId: options.sessionId }),
    ...(options.firstFactorAgeMinutes !== undefined && { firstFactorAgeMinutes: options.firstFactorAgeMinutes }),
    ...(options.now !== undefined && { now: options.now }),
  });
  return minted.token;
}

export const newClerkUserId = (): string => `user_test_${crypto.randomUUID().replaceAll("-", "")}`;

export interface DashboardUser {
  userId: string;
  clerkUserId: string;
  token: string;
}

/** A users row linked to a fresh Clerk id (age confirmed unless told otherwise) and a valid session token for it. */
export async function seedDashboardUser(
  options: { ageConfirmed?: boolean; creditMicroUsd?: number; plan?: string } = {},
): Promise<DashboardUser> {
  const clerkUserId = newClerkUserId();
  const [row] = await withDatabase(async (db) => {
    const inserted = await db
      .insert(users)
      .values({
        clerkUserId,
        email: `${clerkUserId}@omnizen.test`,
        name: "Test User",
        plan: options.plan ?? "internal",
        ageConfirmedAt: options.ageConfirmed === false ? null : new Date(),
      })
      .returning({ id: users.id });
    if (inserted[0]) await grantTestCredit(db, inserted[0].id, options.creditMicroUsd ?? 5_000_000);
    return inserted;
  });
  if (!row) throw new Error("user insert returned nothing");
  return { userId: row.id, clerkUserId, token: await sessionToken(clerkUserId) };
}

/** Calls the dashboard API with a session token (JSON body when given). */
export function dashboardFetch(
  path: string,
  token: string | null,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    ...(token !== null && { authorization: `Bearer ${token}` }),
    ...init.headers,
  };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  return gatewayFetch(path, {
    method: init.method ?? "GET",
    headers,
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
}

/** A PKCS#8 PEM private key of a fresh RSA key pair the worker does not trust. */
export async function untrustedPrivateKeyPem(): Promise<string> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const der = new Uint8Array((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
  const base64 = btoa(String.fromCharCode(...der)).replace(/(.{64})/g, "$1\n");
  return `-----BEGIN PRIVATE KEY-----\n${base64}\n-----END PRIVATE KEY-----\n`;
}

/**
 * Svix's signature by hand: `v1,` + base64(HMAC-SHA256(base64decode(secret without "whsec_"),
 * "<svix-id>.<svix-timestamp>.<body>")).
 */
export async function svixHeaders(
  body: string,
  options: { id?: string; timestamp?: number; secret?: string } = {},
): Promise<Record<string, string>> {
  const id = options.id ?? `msg_${crypto.randomUUID().replaceAll("-", "")}`;
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const secret = (options.secret ?? bindings.CLERK_WEBHOOK_SIGNING_SECRET ?? "").replace(/^whsec_/, "");
  const keyBytes = Uint8Array.from(atob(secret), (character) => character.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)),
  );
  return {
    "svix-id": id,
    "svix-timestamp": timestamp,
    "svix-signature": `v1,${btoa(String.fromCharCode(...mac))}`,
    "content-type": "application/json",
  };
}

export interface RecordedClerkRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** What the fake Clerk (local/clerk-fake) received about one user. */
export async function clerkRequests(clerkUserId: string): Promise<RecordedClerkRequest[]> {
  const response = await fetch(`${bindings.CLERK_API_URL}/_fake/requests?user=${encodeURIComponent(clerkUserId)}`);
  return ((await response.json()) as { requests: RecordedClerkRequest[] }).requests;
}
