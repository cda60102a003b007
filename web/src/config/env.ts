// Build-time configuration. Only VITE_* variables reach the browser bundle; never put secrets here.

/**
 * Base URL of the worker serving /api and /v1. Empty string means same origin, which is what the dev
 * server's proxy (see web/vite.config.ts) and a same-origin deployment expect.
 */
const apiUrl = (import.meta.env.VITE_API_URL ?? "").trim().replace(/\/+$/, "");

/** Clerk's publishable key; without it, `npm run dev` signs in the local user through the dev-only route. */
const clerkPublishableKey = (import.meta.env.VITE_CLERK_PUBLISHABLE_KEY ?? "").trim();

/**
 * Clerk's Frontend API proxy (Clerk's "proxy" deployment: clerk-js, @clerk/ui and every FAPI call go through this
 * URL instead of the key's Frontend API host). A path such as `/__clerk` keeps them on the SPA's own origin; empty:
 * no proxy.
 */
const clerkProxyUrl = (import.meta.env.VITE_CLERK_PROXY_URL ?? "").trim().replace(/\/+$/, "");

export const env = {
  apiUrl,
  clerkPublishableKey,
  clerkProxyUrl,
} as const;
