/**
 * The only origins the dashboard may contact (README "Privacy"; web/src/no-third-party.test.ts checks the source): the
 * SPA's own, the gateway API's, and Clerk's. The browser tests record every request a page makes and fail on any
 * other origin.
 */

/** Clerk's hosts: its Frontend API (`*.clerk.accounts.dev` in development) and its image and API hosts. */
const CLERK_HOST = /(^|\.)(clerk\.accounts\.dev|clerk\.com)$/;

export function isClerkOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === "https:" && CLERK_HOST.test(url.hostname);
  } catch {
    return false;
  }
}

/** The network origin of a request URL, or null for what never leaves the page (`data:`, `blob:`, `about:`). */
export function networkOrigin(requestUrl: string): string | null {
  const url = new URL(requestUrl);
  if (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "ws:" || url.protocol === "wss:")
    return url.origin;
  return null;
}

/** The origins among `requestUrls` that are neither in `allowed` (exact origins) nor Clerk's, without repeats. */
export function unexpectedOrigins(requestUrls: Iterable<string>, allowed: readonly string[]): string[] {
  const found = new Set<string>();
  for (const requestUrl of requestUrls) {
    const origin = networkOrigin(requestUrl);
    if (origin !== null && !allowed.includes(origin) && !isClerkOrigin(origin)) found.add(origin);
  }
  return [...found];
}

/**
 * What is wrong with the SPA's Content-Security-Policy for a dashboard that loads nothing from third parties: scripts
 * and connections must be limited (by their own directive or `default-src`) to listed sources, never any host
 * (`*`, `http:`, `https:`), and scripts never inline or evaluated. Empty when fine.
 */
export function cspProblems(policy: string | null): string[] {
  if (!policy) return ["no Content-Security-Policy header"];
  const directives = new Map<string, string[]>();
  for (const part of policy.split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  const problems: string[] = [];
  for (const directive of ["script-src", "connect-src"]) {
    const sources = directives.get(directive) ?? directives.get("default-src");
    if (!sources) {
      problems.push(`${directive} (or default-src) is missing`);
      continue;
    }
    const anyHost = directive === "script-src" ? ["*", "http:", "https:", "data:", "blob:"] : ["*", "http:", "https:"];
    for (const source of sources)
      if (anyHost.includes(source.toLowerCase())) problems.push(`${directive} allows ${source}`);
  }
  for (const source of directives.get("script-src") ?? directives.get("default-src") ?? [])
    if (/^'unsafe-(inline|eval)'$/i.test(source)) problems.push(`script-src allows ${source}`);
  return problems;
}
