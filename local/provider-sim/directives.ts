/**
 * Simulator directives: per-request knobs given as `x-sim-<name>` request headers or as a marker such as
 * `[[sim chunks=5 delay_ms=10]]` anywhere in the request's message or system text. Later markers override earlier
 * ones, and headers override markers. Unknown names and bad values are rejected (the caller answers 400).
 */
import { z } from "zod";

const integer = (minimum: number, maximum: number) => z.coerce.number().int().min(minimum).max(maximum);

/** HTTP statuses the `error` directive may ask for. */
export const SIMULATED_ERROR_STATUSES = [
  400, 401, 402, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504, 529,
] as const;

const errorStatus = z.coerce
  .number()
  .int()
  .refine((status) => (SIMULATED_ERROR_STATUSES as readonly number[]).includes(status), {
    message: `must be one of ${SIMULATED_ERROR_STATUSES.join(", ")}`,
  });

/**
 * Error messages a provider sends about ITS customer's account (here: omnizen's), for `error_text`. The gateway must
 * never show these to its callers (worker/src/providers/map-upstream-error.ts).
 */
export const SIMULATED_ERROR_TEXTS = {
  credit:
    "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
  quota: "You exceeded your current quota, please check your plan and billing details.",
  disabled: "This organization has been disabled.",
  billing: "Your account is not active, please check your billing details on our website.",
  key: "Incorrect API key provided: sk-proj-****abcd. You can find your API key at https://platform.openai.com/account/api-keys.",
} as const;

const directivesSchema = z.strictObject({
  chunks: integer(1, 1000).default(4),
  words: integer(1, 5000).default(12),
  delay_ms: integer(0, 60_000).default(0),
  error: errorStatus.optional(),
  retry_after: integer(0, 3600).optional(),
  error_after: integer(0, 10_000).optional(),
  stall_ms: integer(0, 120_000).default(0),
  stall_after: integer(0, 10_000).optional(),
  disconnect_after: integer(0, 10_000).optional(),
  tool: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, "must be a tool name")
    .optional(),
  /**
   * With `tool`: the call's arguments as base64url of a JSON object (a real agent's tool needs its own arguments,
   * e.g. Claude Code's `Read` a `file_path`); default `TOOL_ARGUMENTS_JSON`.
   */
  tool_args: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,4096}$/, "must be base64url")
    .transform((value, context) => {
      try {
        const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return JSON.stringify(parsed);
      } catch {
        // reported below
      }
      context.addIssue({ code: "custom", message: "must be base64url of a JSON object" });
      return z.NEVER;
    })
    .optional(),
  cached: integer(0, 10_000_000).default(0),
  cache_write: integer(0, 10_000_000).default(0),
  /** TTL the cache writes are reported under (Anthropic `cache_creation.ephemeral_5m/1h_input_tokens`). */
  cache_ttl: z.enum(["5m", "1h"]).default("5m"),
  /** Prompt tokens added to the count (a long document without sending it): long-context bands. */
  extra_prompt: integer(0, 10_000_000).default(0),
  reasoning: integer(0, 5000).default(0),
  fragment: integer(1, 65_536).optional(),
  /** With `fragment`: pause between the pieces of one message (a slow drip); default 1 ms. */
  drip_ms: integer(0, 60_000).optional(),
  /** Stream N content events, then one event whose data is not JSON, then the rest of the stream. */
  malformed_after: integer(0, 10_000).optional(),
  /** Pause before each trailer event after the first (between the finish event and the usage / end events). */
  trailer_delay_ms: integer(0, 120_000).default(0),
  /** Non-stream: send the status line and headers, then never the body (until the client leaves). */
  stall_body: integer(0, 1).default(0),
  /** With `error`: fail only the first N requests that carry the same `nonce` (to exercise gateway fallbacks). */
  error_times: integer(1, 1000).optional(),
  /** With `error`: the error message is one a provider sends about its customer's account (`SIMULATED_ERROR_TEXTS`). */
  error_text: z.enum(Object.keys(SIMULATED_ERROR_TEXTS) as [keyof typeof SIMULATED_ERROR_TEXTS]).optional(),
  nonce: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be letters, digits, - or _")
    .optional(),
});

/** Parsed directives with defaults applied. */
export type Directives = z.infer<typeof directivesSchema>;

/** The outcome of parsing: directives, or a message naming the offending directive. */
export type DirectivesResult = { ok: true; directives: Directives } | { ok: false; message: string };

const MARKER_PATTERN = /\[\[sim\b([^\]]*)\]\]/g;

/** Extracts `name=value` pairs from every `[[sim ...]]` marker in the texts, in order. Throws on a malformed pair. */
export function extractMarkerPairs(texts: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const text of texts) {
    for (const match of text.matchAll(MARKER_PATTERN)) {
      for (const item of (match[1] ?? "").trim().split(/\s+/).filter(Boolean)) {
        const separator = item.indexOf("=");
        if (separator <= 0 || separator === item.length - 1) {
          throw new Error(`malformed simulator directive "${item}" (expected name=value)`);
        }
        pairs.push([item.slice(0, separator), item.slice(separator + 1)]);
      }
    }
  }
  return pairs;
}

/**
 * Parses directives from request headers (`x-sim-<name>`, lower-case keys as Node gives them) and from markers in
 * the given texts. Returns defaults when neither is present.
 */
export function parseDirectives(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  texts: readonly string[],
): DirectivesResult {
  const raw: Record<string, string> = {};
  try {
    for (const [name, value] of extractMarkerPairs(texts)) raw[name] = value;
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  for (const [headerName, value] of Object.entries(headers)) {
    if (!headerName.startsWith("x-sim-") || value === undefined) continue;
    raw[headerName.slice("x-sim-".length).replaceAll("-", "_")] = Array.isArray(value) ? (value.at(-1) ?? "") : value;
  }
  const parsed = directivesSchema.safeParse(raw);
  if (parsed.success) return { ok: true, directives: parsed.data };
  const issue = parsed.error.issues[0];
  const name = issue?.path.join(".") || (issue && "keys" in issue ? String(issue.keys) : "");
  return { ok: false, message: `invalid simulator directive ${name}: ${issue?.message ?? "invalid"}` };
}
