/**
 * The SPA's Content-Security-Policy and security headers (policy 3.3: nothing from third parties). One source for
 * the static build's `_headers` (Cloudflare Pages) and the Vite dev and preview servers (web/vite.config.ts).
 * Allowed: the SPA itself, the gateway API's origin, and Clerk's Frontend API when a publishable key is configured:
 * the key's own FAPI host, or the proxy's origin when `VITE_CLERK_PROXY_URL` is set (a relative proxy such as
 * `/__clerk` is the SPA's own origin, so nothing is added).
 */
export interface CspOptions {
  /** VITE_API_URL: "" when the API is same-origin. */
  apiUrl: string;
  /** VITE_CLERK_PUBLISHABLE_KEY: "" without Clerk. */
  clerkPublishableKey: string;
  /** VITE_CLERK_PROXY_URL: "" when clerk-js talks to the key's Frontend API host directly. */
  clerkProxyUrl?: string | undefined;
  /**
   * The Vite dev server only: its React Refresh preamble is an inline script, its CSS arrives as inline <style>
   * elements, and hot reload talks over a WebSocket to the dev server itself. Never for a build or preview.
   */
  dev?: boolean | undefined;
}

/** The Frontend API origin a Clerk publishable key names (`pk_test_<base64 "host$">`), or null. */
export function clerkFrontendApiOrigin(publishableKey: string): string | null {
  const match = /^pk_(?:test|live)_([A-Za-z0-9+/=_-]+)$/.exec(publishableKey.trim());
  if (!match?.[1]) return null;
  let decoded: string;
  try {
    decoded = atob(match[1].replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return null;
  }
  const host = decoded.replace(/\$$/, "");
  return /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(host) ? `https://${host.toLowerCase()}` : null;
}

function originOf(url: string): string | null {
  if (url.trim() === "") return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * Where clerk-js and the Frontend API are served from: null without a key; "'self'" behind a relative (same-origin)
 * proxy; the proxy's origin for an absolute one; else the key's Frontend API host.
 */
export function clerkOrigin(options: Pick<CspOptions, "clerkPublishableKey" | "clerkProxyUrl">): string | null {
  if (!options.clerkPublishableKey) return null;
  const proxy = (options.clerkProxyUrl ?? "").trim();
  if (proxy.startsWith("/")) return "'self'";
  if (proxy !== "") return originOf(proxy);
  return clerkFrontendApiOrigin(options.clerkPublishableKey);
}

export function contentSecurityPolicy(options: CspOptions): string {
  const api = originOf(options.apiUrl);
  const clerkSource = clerkOrigin(options);
  const clerkEnabled = clerkSource !== null;
  // 'self' is already listed wherever Clerk is allowed.
  const clerk = clerkSource === "'self'" ? null : clerkSource;
  const dev = options.dev;
  // Any port: `npx vite web --port <n>` works too (the dev server listens on loopback only).
  const devSockets = dev ? "ws://127.0.0.1:* ws://localhost:*" : null;
  const list = (...sources: Array<string | null | false | undefined>) =>
    sources.filter((source): source is string => Boolean(source)).join(" ");
  const directives: Array<[string, string]> = [
    ["default-src", "'self'"],
    // clerk-js is loaded from the instance's Frontend API (or its proxy).
    ["script-src", list("'self'", clerk, dev && "'unsafe-inline'")],
    // Clerk's components style themselves with inline <style> elements.
    ["style-src", list("'self'", (clerkEnabled || dev === true) && "'unsafe-inline'")],
    ["img-src", list("'self'", "data:", clerkEnabled && "https://img.clerk.com")],
    ["font-src", "'self'"],
    ["connect-src", list("'self'", api, clerk, devSockets)],
    ["worker-src", list("'self'", clerkEnabled && "blob:")],
    ["frame-src", clerkSource ?? "'none'"],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
  ];
  return directives.map(([name, value]) => `${name} ${value}`).join("; ");
}

export function securityHeaders(options: CspOptions): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(options),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
  };
}

/** The `_headers` file of Cloudflare Pages: the headers on every path of the static build. */
export function headersFile(options: CspOptions): string {
  const lines = Object.entries(securityHeaders(options)).map(([name, value]) => `  ${name}: ${value}`);
  return [
    "# Generated from web/src/config/csp.ts (npm run build rewrites it for the configured origins).",
    "/*",
    ...lines,
    "",
  ].join("\n");
}
