import type { Config } from "./env.ts";
import type { AuthenticatedKey } from "./services/key-store.ts";

/** Hono generics for the whole app: raw bindings in, validated config and per-request values in variables. */
export interface AppEnv {
  Bindings: Record<string, unknown>;
  Variables: {
    requestId: string;
    /** Date.now() when the request arrived. */
    startedAt: number;
    config: Config;
    auth: AuthenticatedKey;
    /** Which API the client speaks; errors are rendered in its shape. */
    surface: "openai" | "anthropic";
  };
}
