import type { Redis } from "@upstash/redis/cloudflare";
import type { Config } from "./env.ts";
import type { RequestMeta } from "./lib/request-meta.ts";
import type { Services } from "./services/request-services.ts";
import type { SessionClaims } from "./services/identity/session-token.ts";

/** Hono generics for the whole app: raw bindings in, validated config and per-request values in variables. */
export interface AppEnv {
  Bindings: Record<string, unknown>;
  Variables: {
    /** Id, arrival time, IP, user agent, method and path: built once, first (middleware/request-meta.ts). */
    meta: RequestMeta;
    config: Config;
    /** The hot path's scripts, Postgres (lazy) and the error reporter (middleware/services.ts). */
    services: Services;
    /** Upstash Redis (@upstash/redis), on the cold app's paths only (/api/*, /webhooks/*: middleware/redis.ts). */
    redis: Redis;
    /** The caller's API key (well-formed, not yet verified) and its SHA-256; only for this request. */
    apiKey: string;
    keyHash: string;
    /** The dashboard user, set by the Clerk session middleware on /api/*. */
    account: { userId: string; clerkUserId: string };
    /** The verified Clerk session token's claims, on /api/* (sensitive routes check `requireRecentSignIn`). */
    session: SessionClaims;
  };
}
