/** URL routing of the provider simulator: which provider, dialect and operation a path belongs to. */
import { anthropicDialect } from "./anthropic-dialect.ts";
import type { Dialect, DialectRequest, ProviderName } from "./dialect.ts";
import { geminiEmbeddingDialect, openAiEmbeddingDialect } from "./embedding-dialects.ts";
import { geminiDialect } from "./gemini-dialect.ts";
import { liteLlmDialect } from "./litellm-dialect.ts";
import { openAiDialect } from "./openai-dialect.ts";
import { responsesDialect } from "./responses-dialect.ts";

/** A matched simulator route. */
export interface Route {
  provider: ProviderName;
  dialect: Dialect;
  operation: DialectRequest["operation"];
}

/** Base path of each provider under the simulator URL (what the gateway uses as the upstream base URL). */
export const PROVIDER_BASE_PATHS: Record<ProviderName, string> = {
  openai: "/openai/v1",
  deepseek: "/deepseek",
  zai: "/zai/api/paas/v4",
  qwen: "/qwen/compatible-mode/v1",
  minimax: "/minimax/v1",
  moonshot: "/moonshot/v1",
  anthropic: "/anthropic",
  gemini: "/gemini",
  litellm: "/litellm",
};

const DIALECT_OF: Record<ProviderName, Dialect> = {
  openai: openAiDialect,
  deepseek: openAiDialect,
  zai: openAiDialect,
  qwen: openAiDialect,
  minimax: openAiDialect,
  moonshot: openAiDialect,
  anthropic: anthropicDialect,
  gemini: geminiDialect,
  litellm: liteLlmDialect,
};

/** The POST routes; `dialect` where it is not the provider's completion dialect (embeddings, the Responses API). */
const POST_ROUTES: Array<{
  pattern: RegExp;
  provider: ProviderName;
  operation: Route["operation"];
  dialect?: Dialect;
}> = [
  { pattern: /^\/openai\/v1\/chat\/completions$/, provider: "openai", operation: "completion" },
  { pattern: /^\/openai\/v1\/responses$/, provider: "openai", operation: "completion", dialect: responsesDialect },
  { pattern: /^\/deepseek(\/v1)?\/chat\/completions$/, provider: "deepseek", operation: "completion" },
  { pattern: /^\/zai\/api\/paas\/v4\/chat\/completions$/, provider: "zai", operation: "completion" },
  { pattern: /^\/qwen\/compatible-mode\/v1\/chat\/completions$/, provider: "qwen", operation: "completion" },
  { pattern: /^\/minimax\/v1\/chat\/completions$/, provider: "minimax", operation: "completion" },
  { pattern: /^\/moonshot\/v1\/chat\/completions$/, provider: "moonshot", operation: "completion" },
  { pattern: /^\/litellm(\/v1)?\/chat\/completions$/, provider: "litellm", operation: "completion" },
  { pattern: /^\/anthropic\/v1\/messages$/, provider: "anthropic", operation: "completion" },
  { pattern: /^\/anthropic\/v1\/messages\/count_tokens$/, provider: "anthropic", operation: "count_tokens" },
  {
    pattern: /^\/gemini\/v1(beta)?\/models\/[^/:]+:(generateContent|streamGenerateContent)$/,
    provider: "gemini",
    operation: "completion",
  },
  {
    pattern: /^\/openai\/v1\/embeddings$/,
    provider: "openai",
    operation: "embeddings",
    dialect: openAiEmbeddingDialect,
  },
  {
    pattern: /^\/zai\/api\/paas\/v4\/embeddings$/,
    provider: "zai",
    operation: "embeddings",
    dialect: openAiEmbeddingDialect,
  },
  {
    pattern: /^\/qwen\/compatible-mode\/v1\/embeddings$/,
    provider: "qwen",
    operation: "embeddings",
    dialect: openAiEmbeddingDialect,
  },
  {
    pattern: /^\/gemini\/v1(beta)?\/models\/[^/:]+:(embedContent|batchEmbedContents)$/,
    provider: "gemini",
    operation: "embeddings",
    dialect: geminiEmbeddingDialect,
  },
  { pattern: /^\/gemini\/v1(beta)?\/models\/[^/:]+:countTokens$/, provider: "gemini", operation: "count_tokens" },
];

/** The route for a method and path, or null. */
export function matchRoute(method: string, pathname: string): Route | null {
  if (method !== "POST") return null;
  for (const route of POST_ROUTES) {
    if (route.pattern.test(pathname)) {
      const dialect = route.dialect ?? DIALECT_OF[route.provider];
      return { provider: route.provider, dialect, operation: route.operation };
    }
  }
  return null;
}

/** The dialect whose error shape a 404 under a provider's prefix should use, or null outside every prefix. */
export function dialectForPrefix(pathname: string): Dialect | null {
  const provider = (Object.keys(PROVIDER_BASE_PATHS) as ProviderName[]).find((name) =>
    pathname.startsWith(`/${name}/`),
  );
  return provider ? DIALECT_OF[provider] : null;
}
