/**
 * An Anthropic Messages request (already validated by `anthropicRequestSchema`) to the internal OpenAI Chat
 * Completions request. https://docs.anthropic.com/en/api/messages
 *
 * | Anthropic | rule | internal (OpenAI Chat Completions) |
 * |---|---|---|
 * | `model` | map | `model` (the catalog id; the route resolves it) |
 * | `max_tokens` (required, positive integer) | map | `max_tokens` |
 * | `system` (string or text blocks) | map | a leading `system` message, blocks joined with a blank line (text parts
 * when a block carries `cache_control`) |
 * | `messages[].role: "system"` (SDK 1.x) | map | a `system` message in place (text blocks only, else 400) |
 * | `text` block | map | text (a text-only message becomes one string, blocks joined with a blank line) |
 * | `image` block, base64 / url source | map | `image_url` part, `data:<media_type>;base64,<data>` / the url |
 * | `image` block, any other source (file) | refuse | 400 `messages[i].content[j].source.type` |
 * | `document` block, plain-text source | map | text |
 * | `document` block, PDF / url / file / content source | refuse | 400 `messages[i].content[j].source` |
 * | `tool_use` block (assistant) | map | `tool_calls[]` `{id, type: "function", function: {name, arguments:
 * JSON.stringify(input)}}` |
 * | `tool_result` block (user) | map | one `tool` message per result (`tool_call_id`), before the user's remaining
 * content |
 * | `tool_result.content` | map | text blocks joined; images move to the user message that follows the tool messages |
 * | `tool_result.content` other blocks (document, search_result, tool_reference, ...) | refuse | 400
 * `messages[i].content[j].content[k].type` |
 * | `tool_result.is_error: true` | map | content prefixed with `Error: ` (OpenAI has no error flag) |
 * | `tool_use` in a user / `tool_result`, image or document in an assistant message | refuse | 400
 * `messages[i].content[j]` |
 * | `thinking` / `redacted_thinking` blocks in history | drop | signatures only mean something to Anthropic itself |
 * | other block types (server tool results, search results, ...) | refuse | 400 `messages[i].content[j].type` |
 * | `cache_control` `{type: "ephemeral"}` on a system, text or document block, a `tool_result` (or its last part), a
 * tool | map | `cache_control: {type: "ephemeral"}` on the same text part, tool message or tool (text blocks stay parts
 * instead of one string); the upstream adapter keeps it for providers with explicit caching (Qwen, Z.ai) and drops it
 * for the others (build-dialect-body.ts); the native Anthropic route keeps the client's own |
 * | `cache_control.ttl` (`5m`, `1h`) | map | kept on the marker: Qwen writes for 1 hour and reports writes by TTL
 * (billed so); Z.ai keeps the marker without the TTL (one lifetime); others drop the marker (build-dialect-body.ts);
 * never a 400 |
 * | `cache_control` on an image or `tool_use` block, or top level | drop | no part to carry it |
 * | `tools[]` `{name, description, input_schema}` (type absent or `custom`) | map | `{type: "function", function:
 * {name, description, parameters}}` |
 * | `tools[]` other fields (`strict`, `defer_loading`, `input_examples`, ...) | drop | |
 * | `tools[]` without `input_schema` | refuse | 400 `tools[i].input_schema` |
 * | `tools[]` server tools (any other `type`: web search, bash, computer, ...) | refuse | 400 `tools[i]` |
 * | `tool_choice` auto / any / tool / none | map | `"auto"` / `"required"` / `{type: "function", function: {name}}` /
 * `"none"` |
 * | `tool_choice` naming an undeclared tool, or any / tool without `tools` | refuse | 400 `tool_choice` (`.name`) |
 * | `tool_choice` auto / none without `tools` | drop | OpenAI refuses `tool_choice` without tools |
 * | `tool_choice.disable_parallel_tool_use: true` | map | `parallel_tool_calls: false` |
 * | `stop_sequences` (up to 4) | map | `stop` |
 * | `stop_sequences` (more than 4) | refuse | 400 `stop_sequences` (OpenAI's limit) |
 * | `temperature` (0..1), `top_p` | map | same |
 * | `top_k` | drop | not in Chat Completions |
 * | `thinking: {type: "enabled", budget_tokens}` | map | `reasoning_effort`: <= 2048 `low`, <= 8192 `medium`, else
 * `high` |
 * | `thinking` disabled / adaptive / between_tools | drop | the upstream's default |
 * | `output_config.effort` low / medium / high / xhigh / max | map | `reasoning_effort` low / medium / high / high /
 * high (wins over `thinking`) |
 * | `output_config.format` `{type: "json_schema", schema}` | map | `response_format: {type: "json_schema", json_schema:
 * {name: "output", schema}}` |
 * | `metadata.user_id` | map | `user` |
 * | `stream` | map | `stream`; when true also `stream_options: {include_usage: true}` |
 * | anything else (`service_tier`, `speed`, `container`, `inference_geo`, `diagnostics`, ...) | drop | |
 */
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import {
  cacheMarker,
  convertFromAnthropicMessages,
  invalidRequest,
  textContent,
  type OpenAIMessage,
} from "./convert-from-anthropic-messages.ts";
import type { AnthropicRequest } from "./parse-anthropic-request.ts";

type ReasoningEffort = "low" | "medium" | "high";

/** OpenAI accepts at most four stop sequences. */
const MAX_STOP_SEQUENCES = 4;

/**
 * Converts by the table above. Pure; throws an `invalid_request` GatewayError with `param` for what it refuses.
 * The result's `model` is still the client's catalog id.
 */
export function convertFromAnthropicRequest(body: AnthropicRequest): ChatCompletionRequest {
  const messages: OpenAIMessage[] = [];
  if (body.system && body.system.length > 0) {
    const parts = body.system.map((block) => ({ type: "text" as const, text: block.text, ...cacheMarker(block) }));
    messages.push({ role: "system", content: textContent(parts) });
  }
  // A loop, not push(...): a spread of a request-sized array can exceed the engine's argument limit.
  for (const message of convertFromAnthropicMessages(body.messages)) messages.push(message);

  const request: ChatCompletionRequest = { model: body.model, messages, max_tokens: body.max_tokens };
  if (body.stream !== undefined) request.stream = body.stream;
  if (body.stream === true) request.stream_options = { include_usage: true };
  if (body.temperature !== undefined) request.temperature = body.temperature;
  if (body.top_p !== undefined) request.top_p = body.top_p;
  if (body.stop_sequences && body.stop_sequences.length > 0) {
    if (body.stop_sequences.length > MAX_STOP_SEQUENCES) {
      throw invalidRequest(
        "stop_sequences",
        `at most ${MAX_STOP_SEQUENCES} stop sequences are supported on this route`,
      );
    }
    request.stop = body.stop_sequences;
  }
  if (body.metadata?.user_id) request.user = body.metadata.user_id;

  const reasoningEffort = convertReasoningEffort(body);
  if (reasoningEffort) request.reasoning_effort = reasoningEffort;
  if (body.output_config?.format) {
    request.response_format = {
      type: "json_schema",
      json_schema: { name: "output", schema: body.output_config.format.schema },
    };
  }
  Object.assign(request, convertTools(body));
  return request;
}

/** `tools`, `tool_choice` and `parallel_tool_calls`, each present only when it applies. */
function convertTools(body: AnthropicRequest): Pick<ChatCompletionRequest, "tools"> & Record<string, unknown> {
  const tools = (body.tools ?? []).map((tool, toolIndex) => {
    if (tool.type !== undefined && tool.type !== null && tool.type !== "custom") {
      throw invalidRequest(
        `tools[${toolIndex}]`,
        "server tools are not supported on this route; declare client tools with name, description and input_schema",
      );
    }
    if (!tool.input_schema) throw invalidRequest(`tools[${toolIndex}].input_schema`, "input_schema is required");
    const description = tool.description === undefined ? {} : { description: tool.description };
    return {
      type: "function",
      function: { name: tool.name, ...description, parameters: tool.input_schema },
      ...cacheMarker(tool),
    };
  });
  const choice = body.tool_choice;
  if (tools.length === 0) {
    if (choice?.type === "any" || choice?.type === "tool")
      throw invalidRequest("tool_choice", "tool_choice requires tools");
    return {};
  }
  const converted: Pick<ChatCompletionRequest, "tools"> & Record<string, unknown> = { tools };
  if (!choice) return converted;
  switch (choice.type) {
    case "auto":
      converted.tool_choice = "auto";
      break;
    case "any":
      converted.tool_choice = "required";
      break;
    case "tool":
      if (!body.tools?.some((tool) => tool.name === choice.name)) {
        throw invalidRequest("tool_choice.name", "tool_choice names a tool that is not in tools");
      }
      converted.tool_choice = { type: "function", function: { name: choice.name } };
      break;
    case "none":
      converted.tool_choice = "none";
      break;
  }
  if (choice.type !== "none" && choice.disable_parallel_tool_use === true) converted.parallel_tool_calls = false;
  return converted;
}

/** `output_config.effort` is the explicit setting; otherwise an enabled thinking budget picks a level. */
function convertReasoningEffort(body: AnthropicRequest): ReasoningEffort | null {
  const effort = body.output_config?.effort;
  if (effort) return effort === "low" || effort === "medium" ? effort : "high";
  if (body.thinking?.type !== "enabled") return null;
  const budget = body.thinking.budget_tokens;
  if (budget <= 2048) return "low";
  if (budget <= 8192) return "medium";
  return "high";
}
