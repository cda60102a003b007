/** Pure helpers of the Models page: searching the catalog, and the client examples for this deployment's API. */
import type { CatalogModel } from "../../lib/api-types";

export interface CatalogQuery {
  /** Free text matched against the id, name and provider (case-insensitive, every word must match). */
  text: string;
  /** Only this provider's models ("" or null: all). */
  provider: string | null;
}

export function filterCatalog(models: readonly CatalogModel[], query: CatalogQuery): CatalogModel[] {
  const words = query.text.toLowerCase().split(/\s+/).filter(Boolean);
  return models.filter((model) => {
    if (query.provider && model.provider !== query.provider) return false;
    const haystack = `${model.id} ${model.name} ${model.provider}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** The providers of a catalog, sorted, once each. */
export function catalogProviders(models: readonly CatalogModel[]): string[] {
  return [...new Set(models.map((model) => model.provider))].sort();
}

/**
 * The base URLs the official clients take: OpenAI's client wants the `/v1` prefix, Anthropic's appends
 * `/v1/messages` itself. `apiUrl` is the configured API origin ("" when the API is served from the page's origin).
 */
export function clientBaseUrls(apiUrl: string, pageOrigin: string): { openai: string; anthropic: string } {
  const origin = (apiUrl.trim() === "" ? pageOrigin : apiUrl.trim()).replace(/\/+$/, "");
  return { openai: `${origin}/v1`, anthropic: origin };
}

export type ClientKind = "openai" | "anthropic";

/** A copy-paste example for an official client; the key comes from the environment, never from the page. */
export function clientExample(kind: ClientKind, options: { apiUrl: string; pageOrigin: string; model: string }) {
  const urls = clientBaseUrls(options.apiUrl, options.pageOrigin);
  const model = JSON.stringify(options.model);
  if (kind === "openai") {
    return [
      `import OpenAI from "openai";`,
      ``,
      `const client = new OpenAI({`,
      `  baseURL: ${JSON.stringify(urls.openai)},`,
      `  apiKey: process.env.OMNIZEN_API_KEY,`,
      `});`,
      ``,
      `const completion = await client.chat.completions.create({`,
      `  model: ${model},`,
      `  messages: [{ role: "user", content: "Hello" }],`,
      `});`,
      `console.log(completion.choices[0]?.message.content);`,
      ``,
    ].join("\n");
  }
  return [
    `import Anthropic from "@anthropic-ai/sdk";`,
    ``,
    `const client = new Anthropic({`,
    `  baseURL: ${JSON.stringify(urls.anthropic)},`,
    `  apiKey: process.env.OMNIZEN_API_KEY,`,
    `});`,
    ``,
    `const message = await client.messages.create({`,
    `  model: ${model},`,
    `  max_tokens: 1024,`,
    `  messages: [{ role: "user", content: "Hello" }],`,
    `});`,
    `console.log(message.content);`,
    ``,
  ].join("\n");
}
