/** URL routing of the provider simulator: which provider, dialect and operation a path belongs to. */
import { anthropicDialect } from "./anthropic-dialect.ts";
import type { Dialect, DialectRequest, ProviderName } from "./dialect.ts";
import { geminiDialect } from "./gemini-dialect.ts";
import { openAiDialect } from "./openai-dialect.ts";

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
};

const POST_ROUTES: Array<{ pattern: RegExp; provider: ProviderName; operation: Route["operation"] }> = [
  { pattern: /^\/openai\/v1\/chat\/completions$/, provider: "openai", operation: "completion" },
  { pattern: /^\/deepseek(\/v1)?\/chat\/completions$/, provider: "deepseek", operation: "completion" },
  { pattern: /^\/zai\/api\/paas\/v4\/chat\/completions$/, provider: "zai", operation: "completion" },
  { pattern: /^\/qwen\/compatible-mode\/v1\/chat\/completions$/, provider: "qwen", operation: "completion" },
  { pattern: /^\/minimax\/v1\/chat\/completions$/, provider: "minimax", operation: "completion" },
  { pattern: /^\/moonshot\/v1\/chat\/completions$/, provider: "moonshot", operation: "completion" },
  { pattern: /^\/anthropic\/v1\/messages$/, provider: "anthropic", operation: "completion" },
  { pattern: /^\/anthropic\/v1\/messages\/count_tokens$/, provider: "anthropic", operation: "count_tokens" },
  {
    pattern: /^\/gemini\/v1(beta)?\/models\/[^/:]+:(generateContent|streamGenerateContent)$/,
    provider: "gemini",
    operation: "completion",
  },
  { pattern: /^\/gemini\/v1(beta)?\/models\/[^/:]+:countTokens$/, provider: "gemini", operation: "count_tokens" },
];

/** The route for a method and path, or null. */
export function matchRoute(method: string, pathname: string): Route | null {
  if (method !== "POST") return null;
  for (const route of POST_ROUTES) {
    if (route.pattern.test(pathname)) {
      return { provider: route.provider, dialect: DIALECT_OF[route.provider], operation: route.operation };
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
