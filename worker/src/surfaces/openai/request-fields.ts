/**
 * What of a `/v1/chat/completions` body may reach a provider on omnizen's keys. Every top-level field is listed;
 * anything not listed is refused (400 `invalid_request`, `param` = the field), as OpenAI itself refuses unknown
 * arguments. A field is either passed to the adapter (whose own table maps, drops or refuses it: token-priced from
 * the provider's usage), stripped here (harmless: listed with the reason), or refused because it would be billed
 * by the provider at a price omnizen does not charge or would keep data at the provider. docs/forwarded-fields.md.
 * https://platform.openai.com/docs/api-reference/chat/create
 *
 * | field | rule | why |
 * |---|---|---|
 * | `model`, `messages`, `stream`, `stream_options`, `max_tokens`, `max_completion_tokens`, `temperature`, `top_p`, `n`
 * (= 1, the schema refuses more), `stop`, `seed`, `presence_penalty`, `frequency_penalty`, `logit_bias`, `logprobs`,
 * `top_logprobs`, `response_format`, `reasoning_effort`, `verbosity`, `tools`, `tool_choice`, `parallel_tool_calls`,
 * `functions`, `function_call`, `prediction`, `user`, `safety_identifier`, `prompt_cache_key` | pass | billed by tokens
 * in the provider's usage (reasoning, rejected prediction tokens are inside `completion_tokens`) |
 * | `store` false / null | strip | the OpenAI adapter always sends `store: false` itself |
 * | `store` true | refuse | it would keep the prompt and answer in omnizen's OpenAI account (privacy policy) |
 * | `metadata` | strip | only used with stored completions, which are off |
 * | `models`, `provider` | strip | omnizen's routing preferences (OpenRouter's fields), read by the route before this
 * policy (services/routing/routing-preferences.ts, docs/routing.md); never forwarded |
 * | `service_tier` null / `auto` / `default` | strip | the OpenAI adapter sends `default` (standard price) itself |
 * | `service_tier` `flex` / `priority` / `scale` / other | refuse | priced differently from the catalog's standard tier
 * |
 * | `prompt_cache_retention` null / `in_memory` | strip | the default |
 * | `prompt_cache_retention` `24h` / other | refuse | extended cache retention is not priced |
 * | `modalities` `["text"]` | strip | the default |
 * | `modalities` with `audio` / other, `audio` | refuse | audio output tokens are not priced |
 * | `web_search_options` | refuse | a server tool with a per-call fee |
 * | `tools[i].type` other than `function` / `custom` (Kimi `builtin_function`, Z.ai `web_search` / `retrieval`, ...) |
 * refuse | provider-hosted tools bill per call |
 * | `messages[i].content[j]` `input_audio` | refuse | audio input tokens are not priced |
 * | `messages[i].content[j]` `file` with `file_id` | refuse | the id names a file in omnizen's provider account; send
 * `file_data` |
 * | any other field | refuse | unknown fields may switch on unpriced features |
 */
import { GatewayError } from "../../errors.ts";
import { absent, pass, strip, stripWhen, type FieldRule } from "../field-rules.ts";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";

const PASSED = [
  "model",
  "messages",
  "stream",
  "stream_options",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "n",
  "stop",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "response_format",
  "reasoning_effort",
  "verbosity",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "functions",
  "function_call",
  "prediction",
  "user",
  "safety_identifier",
  "prompt_cache_key",
] as const;

/** The rule of every accepted top-level field; `Object.hasOwn` guards against prototype names. */
export const CHAT_FIELD_RULES: Readonly<Record<string, FieldRule>> = {
  ...Object.fromEntries(PASSED.map((field) => [field, pass])),
  store: (value) =>
    value === true
      ? { refuse: "store: true is not available: omnizen never keeps prompts or answers at a provider." }
      : "strip",
  metadata: strip,
  // Consumed by the gateway's routing (parsed and validated by the route before this policy), never forwarded.
  models: strip,
  provider: strip,
  service_tier: stripWhen(["auto", "default"], "service_tier: only the standard tier (auto / default) is available."),
  prompt_cache_retention: stripWhen(
    ["in_memory"],
    "prompt_cache_retention: only in_memory is available; extended retention is not priced.",
  ),
  modalities: (value) =>
    absent(value) || (Array.isArray(value) && value.every((modality) => modality === "text"))
      ? "strip"
      : { refuse: "modalities: only text output is available; audio output is not priced." },
  audio: (value) => (absent(value) ? "strip" : { refuse: "audio: audio output is not available; it is not priced." }),
  web_search_options: (value) =>
    absent(value)
      ? "strip"
      : { refuse: "web_search_options: web search is not available; provider search fees are not priced." },
};

function refuse(param: string, message: string): GatewayError {
  return new GatewayError("invalid_request", message, { param });
}

/** Content parts that would bill or read something the catalog does not price or omnizen's account holds. */
function checkContentParts(messages: ChatCompletionRequest["messages"]): void {
  messages.forEach((message, messageIndex) => {
    if (!Array.isArray(message.content)) return;
    message.content.forEach((part, partIndex) => {
      const path = `messages[${messageIndex}].content[${partIndex}]`;
      if (part.type === "input_audio")
        throw refuse(`${path}.type`, `${path}.type: input_audio is not available; audio input is not priced.`);
      const file = part.file;
      if (part.type === "file" && typeof file === "object" && file !== null && "file_id" in file) {
        throw refuse(
          `${path}.file.file_id`,
          `${path}.file.file_id: file ids are not available; send the file as file_data.`,
        );
      }
    });
  });
}

/** Client tools only: a provider-hosted tool (search, retrieval) runs and bills at the provider per call. */
function checkToolTypes(tools: ChatCompletionRequest["tools"]): void {
  tools?.forEach((tool, index) => {
    if (tool.type !== "function" && tool.type !== "custom") {
      throw refuse(
        `tools[${index}].type`,
        `tools[${index}].type: only function (and custom) tools are available; provider-hosted tools bill per call.`,
      );
    }
  });
}

/**
 * Applies the table above: returns the request without the stripped fields, or throws a 400 `invalid_request`
 * naming the first refused field. Pure; never echoes a value from the body.
 */
export function applyChatFieldPolicy(request: ChatCompletionRequest): ChatCompletionRequest {
  const kept: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(request)) {
    const rule = Object.hasOwn(CHAT_FIELD_RULES, field) ? CHAT_FIELD_RULES[field] : undefined;
    if (!rule)
      throw refuse(
        field.slice(0, 100),
        `Unrecognized request argument supplied: ${field.slice(0, 100)}. docs/forwarded-fields.md lists the accepted ones.`,
      );
    const verdict = rule(value);
    if (typeof verdict === "object") throw refuse(field, verdict.refuse);
    if (verdict === "pass") kept[field] = value;
  }
  checkContentParts(request.messages);
  checkToolTypes(request.tools);
  return kept as ChatCompletionRequest;
}
