/**
 * `POST {base}/embeddings` in OpenAI's dialect, shared by OpenAI, Qwen (DashScope compatible-mode) and Z.ai.
 * No `encoding_format` is sent: float vectors are every one's default (Z.ai documents no such field), and the gateway
 * encodes base64 itself. `user` goes to OpenAI only, the one of them that documents it. The answer's `data` is put in
 * `index` order and must hold one vector per input.
 * https://platform.openai.com/docs/api-reference/embeddings/create
 * https://www.alibabacloud.com/help/en/model-studio/embedding-interfaces-compatible-with-openai
 * https://docs.bigmodel.cn/api-reference (文本嵌入)
 */
import { GatewayError } from "../../errors.ts";
import { inputCount } from "../../lib/embedding-request.ts";
import { embeddingUsage, readVector, type EmbeddingAdapter } from "../embedding-types.ts";
import type { ProviderId } from "../provider-ids.ts";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function createOpenAICompatibleEmbeddingAdapter(id: ProviderId): EmbeddingAdapter {
  const unreadable = () =>
    new GatewayError("upstream_error", `The upstream provider (${id}) sent an unreadable embeddings response.`);
  return {
    buildEmbeddingRequest({ request, upstreamModel, target }) {
      const { inputs } = request;
      const body: Json = {
        model: upstreamModel,
        input: inputs.kind === "text" ? inputs.texts : inputs.tokens,
        ...(request.dimensions === null ? {} : { dimensions: request.dimensions }),
        ...(id === "openai" && request.user !== null ? { user: request.user } : {}),
      };
      return {
        url: `${target.baseUrl.replace(/\/+$/, "")}/embeddings`,
        headers: {
          authorization: `Bearer ${target.apiKey}`,
          "content-type": "application/json",
          accept: "application/json",
        },
        body: JSON.stringify(body),
      };
    },

    parseEmbeddingResponse(json, { request }) {
      if (!isObject(json) || !Array.isArray(json.data)) throw unreadable();
      const vectors: number[][] = [];
      for (const [position, item] of json.data.entries()) {
        const index = isObject(item) && Number.isSafeInteger(item.index) ? (item.index as number) : position;
        const vector = isObject(item) ? readVector(item.embedding) : null;
        if (!vector || vectors[index] !== undefined) throw unreadable();
        vectors[index] = vector;
      }
      const count = inputCount(request.inputs);
      if (vectors.length !== count || vectors.some((vector) => vector === undefined)) throw unreadable();
      const tokens = isObject(json.usage) ? json.usage.prompt_tokens : undefined;
      return {
        vectors,
        usage: Number.isSafeInteger(tokens) && (tokens as number) >= 0 ? embeddingUsage(tokens as number) : null,
      };
    },
  };
}
