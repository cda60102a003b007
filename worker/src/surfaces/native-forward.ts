/**
 * Native forwarding: when a route's provider speaks the client's own API (Anthropic Messages to Anthropic, the
 * Responses API to OpenAI), the client's body goes upstream with only `model` replaced, and the answer comes back as
 * the provider sent it, so nothing is lost in translation. What the pipeline still needs from such an answer it reads
 * through the forward's own dialect, not the route adapter's chat translation: the usage (billing, the usage row), the
 * generated text's size (an estimate when no usage came), and where the cost goes in the answer.
 */
import type { EventSourceMessage } from "eventsource-parser";
import type { ModelRoute } from "../catalog/types.ts";
import type { RequestCost } from "../lib/cost.ts";
import type { ChatCompletion } from "../lib/openai-types.ts";
import type { NormalizedUsage } from "../lib/usage.ts";
import type {
  ChatContext,
  ProviderAdapter,
  StreamTranslator,
  UpstreamRequest,
  UpstreamTarget,
} from "../providers/types.ts";

/** What a non-streamed native answer tells the pipeline. */
export interface NativeJsonReading {
  /** The upstream's usage report, or null when it sent none (the request is then billed an estimate). */
  usage: NormalizedUsage | null;
  /** Characters of generated text (reasoning included) and of reasoning, for that estimate. */
  generatedCharacters: number;
  reasoningCharacters: number;
  /** Why the answer ended, in OpenAI chat terms (`stop`, `length`, `tool_calls`, `content_filter`), if known. */
  finishReason: string | null;
  /** The answer in the internal chat shape, for the prompt cache; null when this dialect is not cached. */
  cacheable: ChatCompletion | null;
}

/**
 * Reads a native stream as it passes through: `translate` yields the pipeline's parts (text for the estimate and the
 * first-token time, `usage-final`, `stream-end`; throws a GatewayError for the upstream's own failure event), and
 * `withCost` names the one event that carries the final usage report.
 */
export interface NativeStreamReader extends StreamTranslator {
  /**
   * Called after `translate` for the same event. For the dialect's final usage event: its data with the cost added
   * (what the pass-through sends instead of the received bytes); null for every other event (sent as received).
   */
  withCost(event: EventSourceMessage, costOf: (usage: NormalizedUsage) => RequestCost): string | null;
}

export interface NativeForward {
  /** The provider whose routes take the native body. */
  provider: ModelRoute["provider"];
  /** The client's body, which also keys the prompt cache (fields the conversion drops can change the answer). */
  body: unknown;
  /** Whether answers are recorded for the prompt cache (replayed through the surface's translation). */
  cacheable: boolean;
  buildRequest(route: ModelRoute, target: UpstreamTarget): UpstreamRequest;
  /** `adapter` is the route's own adapter (the provider's), for a dialect it already reads. Throws when unreadable. */
  readJson(json: unknown, chat: ChatContext, adapter: ProviderAdapter): NativeJsonReading;
  /** The answer as received, `model` the catalog id, with the cost in its usage (`usage.cost`, `cost_details`). */
  renderJson(json: unknown, modelId: string, cost: RequestCost): unknown;
  createStreamReader(chat: ChatContext, adapter: ProviderAdapter): NativeStreamReader;
}
