// Build-time configuration. Only VITE_* variables reach the browser bundle; never put secrets here.

/**
 * Base URL of the worker serving /api and /v1. Empty string means same origin, which is what the dev
 * server's proxy (see web/vite.config.ts) and a same-origin deployment expect.
 */
const apiUrl = (import.meta.env.VITE_API_URL ?? "").trim().replace(/\/+$/, "");

/** Clerk's publishable key; without it, `npm run dev` signs in the local user through the dev-only route. */
const clerkPublishableKey = (import.meta.env.VITE_CLERK_PUBLISHABLE_KEY ?? "").trim();

export const env = {
  apiUrl,
  clerkPublishableKey,
} as const;
