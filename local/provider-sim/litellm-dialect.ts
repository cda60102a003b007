/**
 * A stand-in for a self-hosted LiteLLM proxy (https://docs.litellm.ai/docs/simple_proxy) under `/litellm`: its
 * OpenAI-compatible `/chat/completions` (also `/v1/chat/completions`), as the gateway's LiteLLM relay calls it
 * (docs/litellm.md). What it does as LiteLLM does:
 * - the model is `<litellm provider>/<model>` (`deepseek/deepseek-flash`, `dashscope/qwen4-max`); a name without a
 *   known provider prefix is LiteLLM's 400 "LLM Provider NOT provided";
 * - usage is LiteLLM's normalised OpenAI shape (`prompt_tokens` with cached reads inside,
 *   `prompt_tokens_details.cached_tokens`, `completion_tokens_details.reasoning_tokens`), whatever the provider;
 * - every answer carries LiteLLM's `x-litellm-*` headers (call id, model id, model group, api base, version);
 * - a Bearer key is required (the proxy's master or virtual key).
 * Reasoning comes as `reasoning_content`, as LiteLLM returns it for every provider.
 */
import type { Dialect, DialectRequest } from "./dialect.ts";
import { openAiDialect } from "./openai-dialect.ts";

/** LiteLLM provider prefixes the stand-in accepts (https://docs.litellm.ai/docs/providers). */
export const LITELLM_PROVIDER_PREFIXES = [
  "openai",
  "deepseek",
  "zai",
  "dashscope",
  "qwencloud",
  "minimax",
  "moonshot",
  "anthropic",
  "gemini",
] as const;

/** The version the stand-in reports in `x-litellm-version`. */
export const LITELLM_STAND_IN_VERSION = "1.80.0-sim";

function modelPrefix(request: DialectRequest): string | null {
  const model = request.body.model;
  if (typeof model !== "string") return null;
  const slash = model.indexOf("/");
  return slash > 0 ? model.slice(0, slash) : null;
}

export const liteLlmDialect: Dialect = {
  ...openAiDialect,
  validate(request) {
    const invalid = openAiDialect.validate(request);
    if (invalid) return invalid;
    const prefix = modelPrefix(request);
    if (prefix === null || !(LITELLM_PROVIDER_PREFIXES as readonly string[]).includes(prefix)) {
      return (
        `litellm.BadRequestError: LLM Provider NOT provided. Pass in the LLM provider you are trying to call. ` +
        `You passed model=${String(request.body.model).slice(0, 100)}`
      );
    }
    return null;
  },
  responseHeaders(request) {
    const prefix = modelPrefix(request) ?? "unknown";
    return {
      "x-litellm-call-id": `sim-call-${request.requestNumber}`,
      "x-litellm-model-id": `sim-deployment-${prefix}`,
      "x-litellm-model-group": String(request.body.model ?? ""),
      "x-litellm-model-api-base": `https://${prefix}.provider.invalid`,
      "x-litellm-version": LITELLM_STAND_IN_VERSION,
    };
  },
};
