import { describe, expect, it } from "vitest";
import type { CatalogModel } from "../../lib/api-types";
import { catalogProviders, clientBaseUrls, clientExample, filterCatalog } from "./catalog";

const model = (id: string, name: string, provider: string): CatalogModel => ({
  id,
  name,
  provider,
  contextTokens: 128_000,
  maxOutputTokens: 8_192,
  capabilities: ["tools"],
  jurisdictions: ["US"],
  prices: { input: 1_000_000, cachedInput: 100_000, output: 5_000_000, cacheWrite: null },
});

const catalog = [
  model("openai/gpt-6.1-terra", "GPT-6.1 Terra", "openai"),
  model("deepseek/deepseek-flash", "DeepSeek V4.1 Flash", "deepseek"),
  model("anthropic/claude-opus-5-5", "Claude Opus 5.5", "anthropic"),
];

describe("filterCatalog", () => {
  it("matches every word against id, name and provider", () => {
    expect(filterCatalog(catalog, { text: "", provider: null })).toHaveLength(3);
    expect(filterCatalog(catalog, { text: "  FLASH ", provider: null }).map((entry) => entry.id)).toEqual([
      "deepseek/deepseek-flash",
    ]);
    expect(filterCatalog(catalog, { text: "claude 5.5", provider: null })).toHaveLength(1);
    expect(filterCatalog(catalog, { text: "claude gpt", provider: null })).toHaveLength(0);
  });

  it("filters by provider", () => {
    expect(filterCatalog(catalog, { text: "", provider: "openai" }).map((entry) => entry.id)).toEqual([
      "openai/gpt-6.1-terra",
    ]);
    expect(filterCatalog(catalog, { text: "flash", provider: "openai" })).toEqual([]);
    expect(catalogProviders([...catalog, catalog[0]!])).toEqual(["anthropic", "deepseek", "openai"]);
  });
});

describe("client examples", () => {
  it("uses the configured API origin, else the page's", () => {
    expect(clientBaseUrls("https://api.omnizen.example/", "https://app.omnizen.example")).toEqual({
      openai: "https://api.omnizen.example/v1",
      anthropic: "https://api.omnizen.example",
    });
    expect(clientBaseUrls("", "http://127.0.0.1:5173")).toEqual({
      openai: "http://127.0.0.1:5173/v1",
      anthropic: "http://127.0.0.1:5173",
    });
  });

  it("fills the base URL and model, and reads the key from the environment", () => {
    const options = { apiUrl: "", pageOrigin: "http://127.0.0.1:5173", model: "deepseek/deepseek-flash" };
    const openai = clientExample("openai", options);
    expect(openai).toContain('baseURL: "http://127.0.0.1:5173/v1"');
    expect(openai).toContain('model: "deepseek/deepseek-flash"');
    expect(openai).toContain("apiKey: process.env.OMNIZEN_API_KEY");
    const anthropic = clientExample("anthropic", options);
    expect(anthropic).toContain('import Anthropic from "@anthropic-ai/sdk"');
    expect(anthropic).toContain('baseURL: "http://127.0.0.1:5173",');
    expect(anthropic).toContain("max_tokens: 1024");
  });
});
