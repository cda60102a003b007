/**
 * The `beforeSend` of the Sentry reporter: the last filter before an event leaves the worker. The reporter is already
 * configured to collect nothing sensitive (no body, cookies, query string, IP or user agent; one allowlisted header,
 * `cf-ray`); this removes those fields again (body, cookies, query string, user, user-agent contexts and every header
 * but the allowlisted one) and masks API keys
 * and bearer tokens in every string of the event, in case a future option, integration or error message lets one
 * through (defence in depth, policy section 6).
 */

/** The fields of a Sentry event this filter touches; the rest of the event is only walked for strings. */
export interface ScrubbableEvent {
  request?: {
    url?: string;
    method?: string;
    data?: unknown;
    cookies?: unknown;
    query_string?: unknown;
    headers?: Record<string, string>;
  };
  user?: unknown;
  /** SDK contexts; `browser`, `os`, `device` and `user_agent` are parsed from the user agent and removed. */
  contexts?: Record<string, unknown>;
}

/** Contexts an SDK or integration derives from the user agent. */
const USER_AGENT_CONTEXTS = ["browser", "os", "device", "user_agent", "client_os", "client"] as const;

export const FILTERED = "[Filtered]";

/**
 * The only request headers a report may carry, lowercased. An allowlist rather than a list of credential headers, so
 * that `authorization`, `x-api-key`, `cookie`, `user-agent` (with the IP, the operational log's data, which policy
 * 1.4 keeps 30 days in our own database only) and the IP headers (`cf-connecting-ip`, `x-forwarded-for`) are all
 * dropped, and so is any header added later.
 */
export const REPORTED_HEADERS: readonly string[] = ["cf-ray"];

const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/sk-omni-[0-9A-Za-z]*/g, FILTERED],
  [/\bBearer\s+[^\s"',;]+/gi, `Bearer ${FILTERED}`],
];

/** Removes request content, credentials and the user (IP) from `event`, in place, and returns it. */
export function scrubSentryEvent<Event extends ScrubbableEvent>(event: Event): Event {
  const request = event.request;
  if (request) {
    delete request.data;
    delete request.cookies;
    delete request.query_string;
    if (request.headers) {
      for (const name of Object.keys(request.headers)) {
        if (!REPORTED_HEADERS.includes(name.toLowerCase())) delete request.headers[name];
      }
    }
  }
  delete event.user;
  if (event.contexts) for (const name of USER_AGENT_CONTEXTS) delete event.contexts[name];
  maskSecretsDeep(event, new WeakSet());
  return event;
}

/** Masks secrets in every string of plain objects and arrays reachable from `value`, in place. */
function maskSecretsDeep(value: object, visited: WeakSet<object>): void {
  if (visited.has(value)) return;
  visited.add(value);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const entry = record[key];
    if (typeof entry === "string") record[key] = maskSecrets(entry);
    else if (isPlainContainer(entry)) maskSecretsDeep(entry, visited);
  }
}

export function maskSecrets(text: string): string {
  let masked = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) masked = masked.replace(pattern, replacement);
  return masked;
}

/** Arrays and plain objects only: a Request or other class instance (SDK metadata) is not ours to rewrite. */
function isPlainContainer(value: unknown): value is object {
  if (Array.isArray(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
