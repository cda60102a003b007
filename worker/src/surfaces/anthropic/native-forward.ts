/**
 * Native forwarding of an Anthropic Messages request to Anthropic itself: the body as the forwarding policy left it
 * (request-fields.ts: unpriced fields refused or stripped, `service_tier: "standard_only"`) goes upstream with only
 * `model` replaced, so cache_control, thinking signatures and every other accepted field keep full fidelity; of the
 * client's `anthropic-beta` only the listed betas are forwarded (others refused). The answer comes back as Anthropic
 * sent it: only `model` becomes the catalog id, and the final usage (the Message's `usage`, the stream's
 * `message_delta.usage`) gains the cost (`cost`, `cost_details`). Usage is read through the Anthropic adapter.
 */
import { generatedCharacters, reasoningCharacters } from "../../lib/estimate-usage.ts";
import { isJsonObject, type AnthropicUsage } from "../../providers/anthropic/anthropic-api-types.ts";
import { convertFromAnthropicUsage } from "../../providers/anthropic/convert-from-anthropic-usage.ts";
import type { StreamTranslator } from "../../providers/types.ts";
import type { NativeForward, NativeStreamReader } from "../native-forward.ts";
import { withUsageCost } from "../usage-cost.ts";
import { forwardedAnthropicBetas } from "./request-fields.ts";

const DEFAULT_VERSION = "2023-06-01";

const parseObject = (data: string): Record<string, unknown> | null => {
  try {
    const parsed: unknown = JSON.parse(data);
    return isJsonObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
};

/** Keeps the latest non-null value of every usage field: `message_delta` usage is cumulative. */
function mergeUsage(into: AnthropicUsage, update: unknown): void {
  if (!isJsonObject(update)) return;
  for (const [field, value] of Object.entries(update)) if (value !== null && value !== undefined) into[field] = value;
}

export function anthropicNativeForward(body: Record<string, unknown>, clientHeaders: Headers): NativeForward {
  return {
    provider: "anthropic",
    body,
    cacheable: true,
    buildRequest(route, target) {
      const headers: Record<string, string> = {
        "x-api-key": target.apiKey,
        "anthropic-version": clientHeaders.get("anthropic-version") ?? DEFAULT_VERSION,
        "content-type": "application/json",
        accept: body.stream === true ? "text/event-stream" : "application/json",
      };
      const beta = forwardedAnthropicBetas(clientHeaders.get("anthropic-beta"));
      if (beta) headers["anthropic-beta"] = beta;
      return {
        url: `${target.baseUrl.replace(/\/+$/, "")}/v1/messages`,
        headers,
        body: JSON.stringify({ ...body, model: route.upstreamModel }),
      };
    },
    readJson(json, chat, adapter) {
      // The Anthropic adapter reads Anthropic's Message: its chat form is what the prompt cache stores.
      const { body: chatBody, usage } = adapter.parseChatResponse(json, chat);
      return {
        usage,
        generatedCharacters: generatedCharacters(chatBody.choices),
        reasoningCharacters: reasoningCharacters(chatBody.choices),
        finishReason: chatBody.choices[0]?.finish_reason ?? null,
        cacheable: chatBody,
      };
    },
    renderJson(json, modelId, cost) {
      if (!isJsonObject(json)) return json;
      return { ...json, model: modelId, usage: withUsageCost(json.usage, cost) };
    },
    createStreamReader(chat, adapter) {
      return anthropicStreamReader(adapter.createStreamTranslator(chat));
    },
  };
}

/**
 * The Anthropic adapter's translator for the usage (`usage-final` at `message_stop`), and the cost in `message_delta`
 * (the event whose `usage` is final): the usage merged from `message_start` and `message_delta`, as the translator
 * merges it, so the cost sent equals the usage row's.
 */
function anthropicStreamReader(translator: StreamTranslator): NativeStreamReader {
  const usage: AnthropicUsage = {};
  return {
    translate: (event) => translator.translate(event),
    withCost(event, costOf) {
      // Anthropic names every event; only these two are parsed again (a data-only event is looked at too).
      if (event.event !== undefined && event.event !== "message_start" && event.event !== "message_delta") return null;
      const payload = parseObject(event.data);
      if (!payload) return null;
      if (payload.type === "message_start") {
        mergeUsage(usage, isJsonObject(payload.message) ? payload.message.usage : undefined);
        return null;
      }
      if (payload.type !== "message_delta") return null;
      mergeUsage(usage, payload.usage);
      const cost = costOf(convertFromAnthropicUsage(usage));
      return JSON.stringify({ ...payload, usage: withUsageCost(payload.usage, cost) });
    },
  };
}
