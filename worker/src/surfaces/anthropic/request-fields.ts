/**
 * What of a `/v1/messages` request may reach a provider on omnizen's keys: every top-level body field and every
 * `anthropic-beta` is listed; an unlisted field is refused and an unlisted beta stripped (400 `invalid_request_error`,
 * the message starting with
 * the field or beta). Models routed to Anthropic get the body natively (surfaces/anthropic/native-forward.ts), so
 * this table is what protects the bill there; the conversion for other providers (convert-from-anthropic-request.ts)
 * then applies its own table. docs/forwarded-fields.md. https://docs.anthropic.com/en/api/messages
 *
 * | body field | rule | why |
 * |---|---|---|
 * | `model`, `max_tokens`, `messages`, `system`, `stop_sequences`, `stream`, `temperature`, `top_p`, `top_k`,
 * `metadata`, `thinking` (its budget is output tokens), `tool_choice`, `output_config`, `tools` (client tools only:
 * typed server tools are refused by the conversion) | pass | billed by tokens in the usage |
 * | `cache_control` (top level, blocks, tools) `ttl` `5m` / `1h` | pass | priced: `cache_creation` splits 5-minute
 * (1.25x input) and 1-hour (2x input) writes |
 * | `service_tier` null / `auto` / `standard_only` | forced to `standard_only` | Priority Tier is priced higher than
 * the catalog |
 * | `service_tier` other | refuse | |
 * | `speed` null / `standard` | strip | the default |
 * | `speed` `fast` / other | refuse | fast mode is priced higher |
 * | `inference_geo` null / `global` | strip | the default |
 * | `inference_geo` `us` / other | refuse | regional inference is priced higher |
 * | `context_management` with `clear_tool_uses_*` / `clear_thinking_*` edits only | pass | it only removes input tokens
 * |
 * | `context_management` other edits (`compact_*`, ...) | refuse | server-side compaction bills extra iterations |
 * | `diagnostics` | strip | cache diagnostics; its beta is stripped too |
 * | `models`, `provider` | strip | omnizen's routing preferences (extension fields in OpenRouter's style), read by the
 * route before this policy (services/routing/routing-preferences.ts, docs/routing.md); never forwarded |
 * | `container`, `mcp_servers` | refuse | code execution containers and the MCP connector bill outside token usage |
 * | any other field | refuse | unknown fields may switch on unpriced features |
 *
 * | `anthropic-beta` (native route only; other routes never forward headers) | rule |
 * |---|---|
 * | `interleaved-thinking-*`, `fine-grained-tool-streaming-*`, `token-efficient-tools-*`, `prompt-caching-*`,
 * `extended-cache-ttl-*` (1-hour writes, priced), `output-128k-*`, `context-management-*`, `claude-code-*`, `effort-*`,
 * `structured-outputs-*`, `token-counting-*`, `thinking-token-count-*`, `mid-conversation-tool-changes-*`,
 * `advanced-tool-use-*` (`defer_loading`, `input_examples`; tool search and programmatic calls need typed server
 * tools, refused on every route) | forwarded |
 * | `cache-diagnosis-*` | stripped (with `diagnostics`) |
 * | `context-1m-*` | refused: the catalog has no published >200k price for these models |
 * | `mcp-client-*`, `code-execution-*`, `web-search-*`, `web-fetch-*`, `files-api-*`, `skills-*`, `fast-mode-*` |
 * refused |
 * | any other beta | stripped: never forwarded (so never unpriced), and the request runs without it; coding agents add
 * new betas with every release, and refusing each would break them |
 */
import { GatewayError } from "../../errors.ts";

type Json = Record<string, unknown>;
type Verdict = "pass" | "strip" | { refuse: string } | { set: unknown };
type FieldRule = (value: unknown) => Verdict;

const pass: FieldRule = () => "pass";
const absent = (value: unknown): boolean => value === undefined || value === null;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const PASSED = [
  "model",
  "max_tokens",
  "messages",
  "system",
  "stop_sequences",
  "stream",
  "temperature",
  "top_p",
  "top_k",
  "metadata",
  "thinking",
  "tool_choice",
  "output_config",
  "tools",
  "cache_control",
] as const;

const FREE_EDITS = /^(clear_tool_uses|clear_thinking)_/;

function contextManagement(value: unknown): Verdict {
  if (absent(value)) return "strip";
  const edits = isObject(value) && Array.isArray(value.edits) ? value.edits : [];
  const priced = edits.every((edit) => isObject(edit) && typeof edit.type === "string" && FREE_EDITS.test(edit.type));
  return priced
    ? "pass"
    : {
        refuse:
          "context_management: only clear_tool_uses and clear_thinking edits are available; compaction is not priced.",
      };
}

export const MESSAGES_FIELD_RULES: Readonly<Record<string, FieldRule>> = {
  ...Object.fromEntries(PASSED.map((field) => [field, pass])),
  service_tier: (value) =>
    absent(value) || value === "auto" || value === "standard_only"
      ? { set: "standard_only" }
      : { refuse: "service_tier: only the standard tier is available." },
  speed: (value) =>
    absent(value) || value === "standard"
      ? "strip"
      : { refuse: "speed: fast mode is not available; it is not priced." },
  inference_geo: (value) =>
    absent(value) || value === "global"
      ? "strip"
      : { refuse: "inference_geo: only global inference is available; regional pricing is not charged." },
  context_management: contextManagement,
  diagnostics: () => "strip",
  // Consumed by the gateway's routing (parsed and validated by the route before this policy), never forwarded.
  models: () => "strip",
  provider: () => "strip",
  container: () => ({
    refuse: "container: code execution containers are not available; they are billed outside token usage.",
  }),
  mcp_servers: () => ({ refuse: "mcp_servers: the MCP connector is not available; it is billed outside token usage." }),
};

const refuse = (param: string, message: string) => new GatewayError("invalid_request", message, { param });

/**
 * Applies the body table: the body without stripped fields and with `service_tier: "standard_only"`, or a 400
 * naming the first refused field. The result is what the native route forwards (with `model` replaced).
 */
export function applyMessagesFieldPolicy<Body extends Json>(body: Body): Body {
  const kept: Json = {};
  for (const [field, value] of Object.entries(body)) {
    const rule = Object.hasOwn(MESSAGES_FIELD_RULES, field) ? MESSAGES_FIELD_RULES[field] : undefined;
    const name = field.slice(0, 100);
    if (!rule)
      throw refuse(
        name,
        `${name}: Extra inputs are not permitted. docs/forwarded-fields.md lists the accepted fields.`,
      );
    const verdict = rule(value);
    if (verdict === "pass") kept[field] = value;
    else if (typeof verdict === "object" && "refuse" in verdict) throw refuse(field, verdict.refuse);
    else if (typeof verdict === "object") kept[field] = verdict.set;
  }
  kept.service_tier = "standard_only";
  return kept as Body;
}

const FORWARDED_BETAS = [
  "interleaved-thinking-",
  "fine-grained-tool-streaming-",
  "token-efficient-tools-",
  "prompt-caching-",
  "extended-cache-ttl-",
  "output-128k-",
  "context-management-",
  "claude-code-",
  "effort-",
  "structured-outputs-",
  "token-counting-",
  // Claude Code 2.1.x: usage gains a thinking-token count; tool definitions may change between turns; deferred tool
  // loading and tool examples (what else this beta unlocks needs a typed server tool, which every route refuses).
  "thinking-token-count-",
  "mid-conversation-tool-changes-",
  "advanced-tool-use-",
] as const;
const STRIPPED_BETAS = ["cache-diagnosis-"] as const;
const REFUSAL_REASONS: ReadonlyArray<readonly [string, string]> = [
  ["context-1m-", "long-context (> 200k) requests are not priced for this model"],
  ["mcp-client-", "the MCP connector is billed outside token usage"],
  ["code-execution-", "code execution is billed outside token usage"],
  ["web-search-", "web search is billed per search"],
  ["web-fetch-", "web fetch is a server tool that is not priced"],
  ["files-api-", "files would be kept in omnizen's provider account"],
  ["skills-", "skills run in billed containers"],
  ["fast-mode-", "fast mode is priced higher"],
];

/**
 * The `anthropic-beta` value the native route forwards (null when none is left), by the beta table above; a refused
 * beta is a 400 naming it, an unknown one is dropped. Several header lines arrive joined by commas.
 */
export function forwardedAnthropicBetas(header: string | null): string | null {
  const forwarded: string[] = [];
  for (const beta of (header ?? "")
    .split(",")
    .map((token) => token.trim())
    .filter(Boolean)) {
    if (FORWARDED_BETAS.some((prefix) => beta.startsWith(prefix))) forwarded.push(beta);
    else if (STRIPPED_BETAS.some((prefix) => beta.startsWith(prefix))) continue;
    else {
      const reason = REFUSAL_REASONS.find(([prefix]) => beta.startsWith(prefix))?.[1];
      if (reason) throw refuse("anthropic-beta", `anthropic-beta: ${beta.slice(0, 100)} is not available: ${reason}.`);
      // Unknown: stripped, never forwarded.
    }
  }
  return forwarded.length > 0 ? forwarded.join(",") : null;
}
