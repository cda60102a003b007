// Local sign-in for `npm run dev` without a Clerk publishable key: session tokens come from the worker's
// development-only route POST /api/dev/sign-in (absent in production, where Clerk's own `getToken()` is used).
import type { DevSignIn } from "./api-types";

export interface DevSession {
  /** A dashboard session token for the local user, refreshed shortly before it expires; null when unavailable. */
  getToken(): Promise<string | null>;
}

const REFRESH_MARGIN_MS = 30_000;

export function createDevSession(options: { baseUrl: string; fetch?: typeof fetch; now?: () => number }): DevSession {
  const fetchFunction: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? Date.now;
  let cached: { token: string; expiresAt: number } | null = null;
  let pending: Promise<string | null> | null = null;

  async function signIn(): Promise<string | null> {
    const response = await fetchFunction(`${options.baseUrl.replace(/\/+$/, "")}/api/dev/sign-in`, { method: "POST" });
    if (!response.ok) return null;
    const body = (await response.json()) as { [Field in keyof DevSignIn]?: unknown };
    if (typeof body.token !== "string" || typeof body.expiresAt !== "string") return null;
    cached = { token: body.token, expiresAt: Date.parse(body.expiresAt) };
    return cached.token;
  }

  return {
    async getToken() {
      if (cached && cached.expiresAt - REFRESH_MARGIN_MS > now()) return cached.token;
      // Concurrent callers share one sign-in.
      pending ??= signIn().finally(() => (pending = null));
      return pending;
    },
  };
}
