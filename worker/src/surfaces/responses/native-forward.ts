/**
 * Native forwarding of a Responses API request to OpenAI itself (`POST {baseUrl}/responses`; the openai route's base
 * URL already ends in `/v1`): the body as the Responses field policy left it goes upstream with `model` replaced and
 * `store: false` forced (we keep no content: policy 1.2), so reasoning items with `encrypted_content`, built-in tools
 * and every other accepted field keep full fidelity. The answer comes back as OpenAI sent it: only `model` becomes the
 * catalog id (non-streamed), and the final usage (the Response's `usage`, the stream's `response.completed` /
 * `response.incomplete` `response.usage`) gains the cost (`cost`, `cost_details`). Usage is read in the Responses
 * dialect (providers/openai-compatible/responses-stream-translator.ts), never through the chat adapter.
 * Native answers are not stored in the prompt cache: its replay goes through the translated surface, which would
 * drop what the native answer carries (encrypted reasoning, item ids).
 *
 * Two rules keep the bill exact, whatever the field policy before it let through:
 * | field | rule |
 * |---|---|
 * | `service_tier` | forced to `"default"`: `priority` is billed above the catalog price (`flex` below it) |
 * | `include` | `reasoning.encrypted_content` added for reasoning models: with `store: false` it is the only way the
 * | | reasoning of one turn reaches the next (Codex sends it; without it OpenAI cannot resolve the echoed items) |
 * | `tools[]` OpenAI runs itself (`web_search*`, `file_search`, `code_interpreter`, `image_generation`, `mcp`, ...) |
 * | | dropped: billed per call, outside the token usage we price (and `mcp` sends data to third parties) |
 * Tools the client runs itself are kept: `function`, `custom`, `namespace`, `local_shell`, `shell`, `apply_patch`,
 * `computer_use_preview`.
 */
import type { EventSourceMessage } from "eventsource-parser";
import { findModel } from "../../catalog/models.ts";
import { readResponsesAnswer } from "../../providers/openai-compatible/read-responses-answer.ts";
import { convertResponsesUsage } from "../../providers/openai-compatible/convert-from-responses-usage.ts";
import { createResponsesStreamTranslator } from "../../providers/openai-compatible/responses-stream-translator.ts";
import type { NativeForward, NativeStreamReader } from "../native-forward.ts";
import { withUsageCost } from "../usage-cost.ts";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Tool types the client executes (OpenAI only returns the call): the only ones forwarded. */
const CLIENT_TOOL_TYPES = new Set([
  "function",
  "custom",
  "namespace",
  "local_shell",
  "shell",
  "apply_patch",
  "computer_use_preview",
  "computer",
]);

const ENCRYPTED_REASONING = "reasoning.encrypted_content";

/**
 * The body OpenAI gets: `model` the route's, `store: false`, `service_tier: "default"`, client-run tools only, and
 * encrypted reasoning included for a reasoning model (OpenAI refuses that include for the others).
 */
export function nativeResponsesBody(body: Record<string, unknown>, upstreamModel: string): Record<string, unknown> {
  const forwarded: Record<string, unknown> = { ...body, model: upstreamModel, store: false, service_tier: "default" };
  const include = Array.isArray(body.include) ? body.include : [];
  if (findModel(String(body.model))?.capabilities.reasoning === true && !include.includes(ENCRYPTED_REASONING)) {
    forwarded.include = [...include, ENCRYPTED_REASONING];
  }
  if (Array.isArray(body.tools)) {
    forwarded.tools = body.tools.filter((tool) => isObject(tool) && CLIENT_TOOL_TYPES.has(String(tool.type)));
  }
  return forwarded;
}

/** The events whose `response.usage` is the final usage report. */
const FINAL_EVENTS = new Set(["response.completed", "response.incomplete"]);

/** `body`: the client's Responses request after the field policy (refused fields already answered 400). */
export function responsesNativeForward(body: Record<string, unknown>): NativeForward {
  return {
    provider: "openai",
    body,
    cacheable: false,
    buildRequest(route, target) {
      return {
        url: `${target.baseUrl.replace(/\/+$/, "")}/responses`,
        headers: {
          authorization: `Bearer ${target.apiKey}`,
          "content-type": "application/json",
          accept: body.stream === true ? "text/event-stream" : "application/json",
        },
        body: JSON.stringify(nativeResponsesBody(body, route.upstreamModel)),
      };
    },
    readJson(json) {
      return { ...readResponsesAnswer(json), cacheable: null };
    },
    renderJson(json, modelId, cost) {
      if (!isObject(json)) return json;
      return { ...json, model: modelId, usage: withUsageCost(json.usage, cost) };
    },
    createStreamReader(chat) {
      return responsesStreamReader(chat.modelId);
    },
  };
}

function responsesStreamReader(modelId: string): NativeStreamReader {
  const translator = createResponsesStreamTranslator(modelId);
  return {
    translate: (event) => translator.translate(event),
    withCost(event: EventSourceMessage, costOf) {
      // The payload `translate` just parsed: no second parse, and only this one event is encoded again.
      const payload = translator.lastPayload;
      const type = payload && typeof payload.type === "string" ? payload.type : event.event;
      if (!payload || type === undefined || !FINAL_EVENTS.has(type) || !isObject(payload.response)) return null;
      const { usage } = payload.response;
      if (!isObject(usage)) return null;
      const response = { ...payload.response, usage: withUsageCost(usage, costOf(convertResponsesUsage(usage))) };
      return JSON.stringify({ ...payload, response });
    },
  };
}
