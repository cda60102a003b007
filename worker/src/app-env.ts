import type { Config } from "./env.ts";
import type { AuthenticatedKey } from "./services/hot-path/account-record.ts";
import type { SessionClaims } from "./services/identity/session-token.ts";

/** Hono generics for the whole app: raw bindings in, validated config and per-request values in variables. */
export interface AppEnv {
  Bindings: Record<string, unknown>;
  Variables: {
    requestId: string;
    /** Date.now() when the request arrived. */
    startedAt: number;
    config: Config;
    /** The caller's API key (well-formed, not yet verified) and its SHA-256; only for this request. */
    apiKey: string;
    keyHash: string;
    /** Set once the admission script verified the key. */
    auth: AuthenticatedKey;
    /** The dashboard user, set by the Clerk session middleware on /api/*. */
    account: { userId: string; clerkUserId: string };
    /** The verified Clerk session token's claims, on /api/* (sensitive routes check `requireRecentSignIn`). */
    session: SessionClaims;
    /** Which API the client speaks; errors are rendered in its shape. */
    surface: "openai" | "anthropic";
  };
}
