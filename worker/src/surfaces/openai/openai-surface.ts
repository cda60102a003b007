/**
 * The OpenAI Chat Completions surface: the internal shapes are OpenAI's, so rendering is nearly the identity, plus
 * what the request is billed: OpenRouter-style `usage.cost` (USD) and `usage.cost_details` (docs/api.md, "Cost").
 * https://platform.openai.com/docs/api-reference/chat-streaming
 *
 * Every stream ends with the usage chunk (`choices: []`, `usage` with the cost) before `[DONE]`, whether or not the
 * client asked for `stream_options.include_usage`, as OpenRouter does: the cost must reach every client, and the
 * official SDKs, Codex and Cline read such a chunk (a client that indexes `choices[0]` of every chunk without a
 * check would not; docs/api.md says so). Without `include_usage` the content chunks carry no `usage` field, as
 * OpenAI sends them.
 */
import type { RequestCost } from "../../lib/cost.ts";
import { usageCostFields } from "../../lib/cost.ts";
import type { ChatCompletionChunk, ChatCompletionUsage } from "../../lib/openai-types.ts";
import { DATA_PREFIX, DONE_EVENT, encodeData, EVENT_END } from "../../lib/sse/encode.ts";
import type { NormalizedUsage } from "../../lib/usage.ts";
import { toOpenAIUsage } from "../../providers/convert-to-openai-usage.ts";
import type { Surface } from "../types.ts";

/** The upstream's usage object (or one made from the normalised usage) with the cost fields added. */
export function usageWithCost(
  reported: ChatCompletionUsage | null | undefined,
  usage: NormalizedUsage,
  cost: RequestCost,
): ChatCompletionUsage {
  return { ...(reported ?? toOpenAIUsage(usage)), ...usageCostFields(cost) };
}

/** `,"usage":null}` without its `}`: what a content chunk without `include_usage` leaves out. */
const NULL_USAGE_BYTES = ',"usage":null'.length;
const CLOSE_OBJECT = new TextEncoder().encode("}");

export const openaiSurface: Surface = {
  name: "openai",
  renderJson: (body, usage, cost) => ({ ...body, usage: usageWithCost(body.usage, usage, cost) }),
  createStreamEncoder({ includeUsage }) {
    // Some upstreams report usage twice (Kimi: on the finish chunk and in a usage chunk): the last report is the one
    // billed, so the usage chunk is sent once, at the end, with it.
    let pending: { chunk: ChatCompletionChunk; usage: NormalizedUsage; cost: RequestCost } | null = null;
    let ended = false;
    return {
      chunk(chunk) {
        if (includeUsage) return [encodeData(chunk)];
        const { usage: _usage, ...withoutUsage } = chunk;
        return [encodeData(withoutUsage)];
      },
      chunkForwarded({ json, nullUsageTail }) {
        if (includeUsage || !nullUsageTail) return [DATA_PREFIX, ...json, EVENT_END];
        // The chunk as `chunk` would send it: its trailing top-level `"usage":null` (its only usage) cut.
        const last = json.length - 1;
        const kept = (json[last] as Uint8Array).subarray(0, -NULL_USAGE_BYTES - 1);
        return [DATA_PREFIX, ...json.slice(0, last), kept, CLOSE_OBJECT, EVENT_END];
      },
      usage(usage, chunk, cost) {
        pending = { chunk, usage, cost };
        return [];
      },
      end() {
        if (ended) return [];
        ended = true;
        if (!pending) return [DONE_EVENT];
        const { chunk, usage, cost } = pending;
        const usageChunk: ChatCompletionChunk = {
          ...chunk,
          choices: [],
          usage: usageWithCost(chunk.usage, usage, cost),
        };
        return [encodeData(usageChunk), DONE_EVENT];
      },
      error: (error) => [encodeData(error.toJSON())],
    };
  },
};
