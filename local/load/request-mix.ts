/**
 * The requests of the soak and the fault tests: a fixed rotation over four providers' models, streamed and not,
 * through `/v1/chat/completions` and (one in five) `/v1/messages`. Prompts are unique per request except one in ten,
 * which repeats a fixed prompt so the prompt cache answers some. Every request is a routed, billed request: each
 * must end as exactly one usage row.
 */
import type { PreparedRequest } from "../bench/http-client.ts";

const CHAT_MODELS = ["deepseek/deepseek-flash", "openai/gpt-6-luna", "gemini/gemini-3.8-flash", "qwen/qwen4-max"];
const MESSAGES_MODEL = "anthropic/claude-haiku-5-5";

/** What request `index` of the mix is (for reporting and for tests). */
export interface MixedRequest {
  prepared: PreparedRequest;
  surface: "chat" | "messages";
  stream: boolean;
}

/**
 * Request `index` of a run tagged `runTag` (unique prompts across runs). `simulatorDirectives` are added to the
 * prompt (e.g. `chunks=6 delay_ms=50` to keep streams open longer).
 */
export function mixedRequest(
  gatewayUrl: string,
  apiKey: string,
  runTag: string,
  index: number,
  simulatorDirectives = "chunks=4",
): MixedRequest {
  const stream = index % 2 === 1;
  const prompt =
    index % 10 === 0
      ? `A question asked often. [[sim ${simulatorDirectives}]]`
      : `Load ${runTag} #${index} [[sim ${simulatorDirectives}]]`;
  const messages = [{ role: "user", content: prompt }];
  if (index % 5 === 4) {
    return {
      surface: "messages",
      stream,
      prepared: {
        url: new URL("/v1/messages", gatewayUrl),
        headers: { "x-api-key": apiKey, "anthropic-version": "2023-06-01" },
        body: Buffer.from(JSON.stringify({ model: MESSAGES_MODEL, max_tokens: 128, stream, messages })),
      },
    };
  }
  const model = CHAT_MODELS[index % CHAT_MODELS.length] ?? "deepseek/deepseek-flash";
  return {
    surface: "chat",
    stream,
    prepared: {
      url: new URL("/v1/chat/completions", gatewayUrl),
      headers: { authorization: `Bearer ${apiKey}` },
      body: Buffer.from(
        JSON.stringify({ model, stream, messages, ...(stream ? { stream_options: { include_usage: true } } : {}) }),
      ),
    },
  };
}
