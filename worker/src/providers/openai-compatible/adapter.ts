/**
 * The OpenAI-dialect adapter shared by OpenAI, DeepSeek, Z.ai, Qwen (DashScope compatible-mode), MiniMax and
 * Moonshot. Per-provider differences are small typed quirks (how usage is reported) and the forwarding table of
 * build-dialect-body.ts.
 * https://platform.openai.com/docs/api-reference/chat/create
 */
import { GatewayError } from "../../errors.ts";
import type { ChatCompletion, ChatCompletionChunk } from "../../lib/openai-types.ts";
import { mapUpstreamError, readUpstreamMessage } from "../map-upstream-error.ts";
import type { ProviderId } from "../provider-ids.ts";
import type { ProviderAdapter, StreamPart, StreamTranslator } from "../types.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import { buildDialectBody } from "./build-dialect-body.ts";
import { forwardChunkData, modelFieldOf } from "./forward-chunk-data.ts";

export interface OpenAIDialectQuirks {
  convertUsage(usage: Record<string, unknown>): NormalizedUsage;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Usage may sit on the chunk (OpenAI) or, in older Kimi streams, on `choices[0].usage`. */
function usageOf(chunk: Json): Json | undefined {
  if (isObject(chunk.usage)) return chunk.usage;
  const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
  const first: unknown = choices[0];
  return isObject(first) && isObject(first.usage) ? first.usage : undefined;
}

export function createOpenAICompatibleAdapter(
  id: ProviderId,
  defaultBaseUrl: string,
  quirks: OpenAIDialectQuirks,
): ProviderAdapter {
  return {
    id,
    defaultBaseUrl,

    buildChatRequest({ request, upstreamModel, target }) {
      const body = buildDialectBody(id, request, upstreamModel);
      return {
        url: `${target.baseUrl.replace(/\/+$/, "")}/chat/completions`,
        headers: {
          authorization: `Bearer ${target.apiKey}`,
          "content-type": "application/json",
          accept: request.stream ? "text/event-stream" : "application/json",
        },
        body: JSON.stringify(body),
      };
    },

    parseChatResponse(json, { modelId }) {
      if (!isObject(json) || !Array.isArray(json.choices)) {
        throw new GatewayError("upstream_error", `The upstream provider (${id}) sent an unreadable response.`);
      }
      const rawUsage = usageOf(json);
      const body = { ...json, model: modelId } as ChatCompletion;
      return { body, usage: rawUsage ? quirks.convertUsage(rawUsage) : null };
    },

    createStreamTranslator({ modelId }): StreamTranslator {
      const modelField = modelFieldOf(modelId);
      return {
        forwardData: (bytes, start, end) => forwardChunkData(bytes, start, end, modelField),
        translate(event): StreamPart[] {
          if (event.data.trim() === "[DONE]") return [{ type: "stream-end" }];
          let parsed: unknown;
          try {
            parsed = JSON.parse(event.data);
          } catch {
            throw new GatewayError("upstream_error", `The upstream provider (${id}) sent a malformed stream event.`);
          }
          if (!isObject(parsed)) return [];
          if (parsed.error !== undefined) {
            throw new GatewayError("upstream_error", `The upstream provider (${id}) reported an error mid-stream.`);
          }
          const chunk = { ...parsed, model: modelId } as ChatCompletionChunk;
          const rawUsage = usageOf(parsed);
          if (!rawUsage) return [{ type: "chunk-emit", chunk }];
          const usage = quirks.convertUsage(rawUsage);
          if (chunk.choices.length === 0) return [{ type: "usage-final", usage, chunk }];
          // Usage riding on a content chunk: send the content, then an OpenAI-style usage chunk.
          const { usage: _dropped, ...content } = chunk;
          const choices = content.choices.map(
            ({ usage: _choiceUsage, ...choice }) => choice,
          ) as ChatCompletionChunk["choices"];
          const usageChunk: ChatCompletionChunk = {
            id: chunk.id,
            object: "chat.completion.chunk",
            created: chunk.created,
            model: modelId,
            choices: [],
            usage: rawUsage as unknown as ChatCompletionChunk["usage"],
          };
          return [
            { type: "chunk-emit", chunk: { ...content, choices } },
            { type: "usage-final", usage, chunk: usageChunk },
          ];
        },
      };
    },

    mapError(status, headers, body, { target }) {
      return mapUpstreamError({
        provider: id,
        status,
        headers,
        upstreamMessage: readUpstreamMessage(body),
        apiKey: target.apiKey,
      });
    },
  };
}
