/**
 * What of a `/v1/responses` body omnizen honours, drops by a written rule, or refuses (400 `invalid_request`, `param`
 * = the field). The body is converted to the internal chat request (convert-from-responses-request.ts), so nothing
 * reaches a provider unless that conversion puts it there; this table decides what the conversion may see.
 * docs/responses.md. https://platform.openai.com/docs/api-reference/responses/create
 *
 * | field | rule | why |
 * |---|---|---|
 * | `model`, `input`, `instructions`, `stream`, `tools`, `tool_choice`, `parallel_tool_calls`, `text`, `reasoning`,
 * `max_output_tokens`, `temperature`, `top_p`, `metadata` (validated, echoed, not forwarded), `user`,
 * `safety_identifier`, `prompt_cache_key` | pass | mapped by the conversion; billed by tokens |
 * | `store` (any value) | strip | stateless: answers are never stored; treated as `false`, never forwarded as `true` |
 * | `include` | strip | reasoning items always carry `encrypted_content`; other includes name built-in tools |
 * | `previous_response_id`, `conversation` | refuse | no content is stored, so there is nothing to continue from:
 * send the whole history in `input` (as Codex does) |
 * | `background` true | refuse | a background response must be stored to be fetched later |
 * | `prompt` (a stored prompt template) | refuse | templates live in an OpenAI project omnizen does not have |
 * | `service_tier` null / `auto` / `default` | strip | the standard tier is the one priced |
 * | `service_tier` other | refuse | priced differently from the catalog's standard tier |
 * | `prompt_cache_retention` null / `in_memory` | strip | the default |
 * | `prompt_cache_retention` other | refuse | extended retention is not priced |
 * | `truncation` | strip | `disabled` is the default; with `auto` an overflowing prompt gets the upstream's context
 * error instead of being truncated (never a silently shorter prompt) |
 * | `top_logprobs` null / 0 | strip | |
 * | `top_logprobs` > 0 | refuse | log probabilities are not returned on this surface |
 * | `max_tool_calls`, `stream_options` | strip | `max_tool_calls` limits built-in tools, which are not offered;
 * `stream_options.include_obfuscation` pads events, which is not needed |
 * | `context_management` | refuse | server-side compaction is not available |
 * | anything else (`client_metadata` from Codex, routing extensions not yet supported, ...) | strip | the conversion
 * builds the upstream request from the fields above only, so an unknown key never reaches a provider |
 */
import { GatewayError } from "../../errors.ts";
import { absent, pass, strip, stripWhen, type FieldRule } from "../field-rules.ts";

type Json = Record<string, unknown>;

const STATELESS =
  "omnizen stores no prompts or answers (privacy policy 1.2), so there is nothing to continue from; " +
  "send the whole conversation in input, with store: false (as Codex does), and reasoning items as they were returned.";

const PASSED = [
  "model",
  "input",
  "instructions",
  "stream",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "text",
  "reasoning",
  "max_output_tokens",
  "temperature",
  "top_p",
  "metadata",
  "user",
  "safety_identifier",
  "prompt_cache_key",
] as const;

/** The rule of every listed top-level field; an unlisted one is stripped (see the table). */
export const RESPONSES_FIELD_RULES: Readonly<Record<string, FieldRule>> = {
  ...Object.fromEntries(PASSED.map((field) => [field, pass])),
  store: strip,
  include: strip,
  truncation: strip,
  max_tool_calls: strip,
  stream_options: strip,
  previous_response_id: (value) =>
    absent(value) ? "strip" : { refuse: `previous_response_id is not supported: ${STATELESS}` },
  conversation: (value) => (absent(value) ? "strip" : { refuse: `conversation is not supported: ${STATELESS}` }),
  background: (value) =>
    value === true
      ? {
          refuse:
            "background: true is not supported: a background response would have to be stored. Stream it instead.",
        }
      : "strip",
  prompt: (value) =>
    absent(value)
      ? "strip"
      : { refuse: "prompt (a stored prompt template) is not supported; send the instructions and input themselves." },
  service_tier: stripWhen(["auto", "default"], "service_tier: only the standard tier (auto / default) is available."),
  prompt_cache_retention: stripWhen(
    ["in_memory"],
    "prompt_cache_retention: only in_memory is available; extended retention is not priced.",
  ),
  top_logprobs: (value) =>
    absent(value) || value === 0
      ? "strip"
      : { refuse: "top_logprobs: log probabilities are not returned on /v1/responses." },
  context_management: (value) =>
    absent(value) ? "strip" : { refuse: "context_management: server-side compaction is not available." },
};

/**
 * Applies the table: the body with only the passed fields, or a 400 `invalid_request` naming the first refused
 * field. Pure; never echoes a value from the body.
 */
export function applyResponsesFieldPolicy<Body extends Json>(body: Body): Body {
  const kept: Json = {};
  for (const [field, value] of Object.entries(body)) {
    const rule = Object.hasOwn(RESPONSES_FIELD_RULES, field) ? RESPONSES_FIELD_RULES[field] : strip;
    const verdict = rule?.(value) ?? "strip";
    if (typeof verdict === "object") throw new GatewayError("invalid_request", verdict.refuse, { param: field });
    if (verdict === "pass") kept[field] = value;
  }
  return kept as Body;
}
