/** Test fixture: a chat context for the Gemini adapter (unit tests here, the simulator tests in worker/test). */
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import type { ChatContext } from "../types.ts";

export const GEMINI_TEST_API_KEY = "AIzaSyTestKey0123456789abcdefghijklmn";

export function geminiChatContext(
  request: Partial<ChatCompletionRequest>,
  baseUrl = "https://generativelanguage.googleapis.com/",
): ChatContext {
  return {
    request: {
      model: "gemini/gemini-3.8-flash",
      messages: [{ role: "user", content: "Hi" }],
      ...request,
    } as ChatCompletionRequest,
    modelId: "gemini/gemini-3.8-flash",
    upstreamModel: "gemini-3.8-flash",
    target: { baseUrl, apiKey: GEMINI_TEST_API_KEY },
  };
}
