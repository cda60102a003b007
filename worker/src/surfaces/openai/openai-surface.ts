/**
 * The OpenAI Chat Completions surface: the internal shapes are OpenAI's, so rendering is nearly the identity.
 * The usage chunk reaches the client only when it asked for `stream_options.include_usage`, and only once.
 * https://platform.openai.com/docs/api-reference/chat-streaming
 */
import { DONE_EVENT, encodeData } from "../../lib/sse/encode.ts";
import type { Surface } from "../types.ts";

export const openaiSurface: Surface = {
  name: "openai",
  renderJson: (body) => body,
  createStreamEncoder({ includeUsage }) {
    let usageSent = false;
    return {
      chunk(chunk) {
        if (includeUsage) return [encodeData(chunk)];
        const { usage: _usage, ...withoutUsage } = chunk;
        return [encodeData(withoutUsage)];
      },
      usage(_usage, chunk, _cost) {
        // Some upstreams report usage twice (Kimi: on the finish chunk and in a usage chunk): send it once.
        if (!includeUsage || usageSent) return [];
        usageSent = true;
        return [encodeData(chunk)];
      },
      end: () => [DONE_EVENT],
      error: (error) => [encodeData(error.toJSON())],
    };
  },
};
