/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Origin of the omnizen worker, e.g. "https://api.omnizen.example". Empty or unset: same origin. */
  readonly VITE_API_URL?: string;
  /** Clerk publishable key of the SPA; unset locally, where the dev-only sign-in is used. */
  readonly VITE_CLERK_PUBLISHABLE_KEY?: string;
  /** Clerk's Frontend API proxy, e.g. "/__clerk" (same origin); unset: clerk-js talks to the key's FAPI host. */
  readonly VITE_CLERK_PROXY_URL?: string;
}
