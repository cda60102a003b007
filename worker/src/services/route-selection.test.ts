import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findModel } from "../catalog/models.ts";
import { JURISDICTIONS, type ModelEntry } from "../catalog/types.ts";
import { loadConfig } from "../env.ts";
import { GatewayError } from "../errors.ts";
import { PROVIDER_IDS } from "../providers/provider-ids.ts";
import { selectCandidates, selectRoutes, type CandidateOptions } from "./route-selection.ts";
import { createProviderLatency } from "./routing/provider-latency.ts";
import type { ProviderPreferences } from "./routing/routing-preferences.ts";

const base = {
  OMNIZEN_ENV: "test",
  DATABASE_URL: "postgres://localhost/test",
  UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1",
  UPSTASH_REDIS_REST_TOKEN: "token",
  ...Object.fromEntries(PROVIDER_IDS.map((id) => [`${id.toUpperCase()}_API_KEY`, `key-${id}`])),
  // A second, US route for Qwen models (the default one is SG).
  QWEN_US_API_KEY: "key-qwen-us",
};
const config = loadConfig({ ...base });

const model = (id: string): ModelEntry => {
  const entry = findModel(id);
  if (!entry) throw new Error(`no model ${id}`);
  return entry;
};
const deepseek = model("deepseek/deepseek-flash"); // CN
const qwen = model("qwen/qwen4-max"); // SG, then US
const luna = model("openai/gpt-6-luna"); // US

const options = (
  models: CandidateOptions["models"],
  provider: Partial<ProviderPreferences> = {},
  allowedJurisdictions: readonly string[] | null = null,
): CandidateOptions => ({
  models,
  allowedJurisdictions,
  provider: { allowFallbacks: true, ...provider },
  costOf: (entry) => entry.price.input + entry.price.output,
  latency: createProviderLatency(),
});

const routeNames = (candidates: ReturnType<typeof selectCandidates>) =>
  candidates.map((candidate) => `${candidate.model.id}@${candidate.route.jurisdiction}`);

function thrown(work: () => unknown): GatewayError {
  try {
    work();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

describe("selectCandidates", () => {
  it("tries the request's model's routes, then each fallback model's, in order", () => {
    expect(routeNames(selectCandidates(config, options([deepseek, qwen, luna])))).toEqual([
      "deepseek/deepseek-flash@CN",
      "qwen/qwen4-max@SG",
      "qwen/qwen4-max@US",
      "openai/gpt-6-luna@US",
    ]);
  });

  it("never widens the allowed jurisdictions, whatever the preferences", () => {
    const candidates = selectCandidates(config, options([deepseek, qwen, luna], { order: ["qwen"] }, ["US"]));
    expect(routeNames(candidates)).toEqual(["qwen/qwen4-max@US", "openai/gpt-6-luna@US"]);
  });

  it("applies only, ignore, sort and allow_fallbacks across the models", () => {
    expect(routeNames(selectCandidates(config, options([deepseek, qwen, luna], { only: ["openai"] })))).toEqual([
      "openai/gpt-6-luna@US",
    ]);
    expect(routeNames(selectCandidates(config, options([deepseek, qwen], { ignore: ["deepseek"] })))).toEqual([
      "qwen/qwen4-max@SG",
      "qwen/qwen4-max@US",
    ]);
    expect(routeNames(selectCandidates(config, options([deepseek, luna], { allowFallbacks: false })))).toEqual([
      "deepseek/deepseek-flash@CN",
    ]);
    const cheapestFirst = routeNames(selectCandidates(config, options([qwen, deepseek], { sort: "price" })));
    const costs = [qwen, deepseek].map((entry) => entry.price.input + entry.price.output);
    expect(cheapestFirst[0]?.startsWith(costs[0]! <= costs[1]! ? "qwen" : "deepseek")).toBe(true);
  });

  it("says the jurisdictions are why when the preferred routes are all outside them (403)", () => {
    const error = thrown(() => selectCandidates(config, options([deepseek, luna], { only: ["deepseek"] }, ["US"])));
    expect(error.code).toBe("jurisdiction_not_allowed");
    expect(error.status).toBe(403);
    expect(error.message).toContain("provider preferences");
    expect(error.message).toContain("CN");
  });

  it("says the preferences are why when they exclude every allowed route (400 naming provider)", () => {
    const error = thrown(() => selectCandidates(config, options([deepseek], { ignore: ["deepseek"] })));
    expect(error.code).toBe("invalid_request");
    expect(error.param).toBe("provider");
    expect(error.message).toContain("deepseek");
  });

  it("refuses with 403 when no model of the list is routed inside the jurisdictions", () => {
    const error = thrown(() => selectCandidates(config, options([deepseek, luna], {}, ["EU"])));
    expect(error.code).toBe("jurisdiction_not_allowed");
  });

  it("selects every route inside the jurisdictions exactly when no preference narrows them (property)", () => {
    const models = [deepseek, qwen, luna, model("anthropic/claude-haiku-5-5")];
    fc.assert(
      fc.property(
        fc.subarray(models, { minLength: 1 }),
        fc.subarray([...JURISDICTIONS]),
        fc.subarray([...PROVIDER_IDS]),
        (chosen, allowed, ignore) => {
          const list = chosen as [ModelEntry, ...ModelEntry[]];
          let candidates: ReturnType<typeof selectCandidates>;
          try {
            candidates = selectCandidates(config, options(list, { ignore }, allowed));
          } catch (error) {
            expect(error).toBeInstanceOf(GatewayError);
            expect(["jurisdiction_not_allowed", "invalid_request"]).toContain((error as GatewayError).code);
            return;
          }
          for (const candidate of candidates) {
            expect(allowed).toContain(candidate.route.jurisdiction);
            expect(ignore).not.toContain(candidate.route.provider);
          }
          const expected = list
            .flatMap((entry) => entry.routes)
            .filter((route) => allowed.includes(route.jurisdiction) && !ignore.includes(route.provider))
            .filter((route) => !route.family || route.family === "QWEN_US");
          expect(candidates).toHaveLength(expected.length);
        },
      ),
    );
  });
});

describe("LiteLLM relay (docs/litellm.md)", () => {
  const relayed = loadConfig({
    ...base,
    LITELLM_BASE_URL: "http://127.0.0.1:4000/v1",
    LITELLM_API_KEY: "sk-litellm",
    LITELLM_PROVIDERS: "deepseek, qwen",
  });

  it("sends a listed provider's own routes to the proxy with LiteLLM's model name, keeping the jurisdiction", () => {
    const [route] = selectRoutes(relayed, deepseek, null);
    expect(route?.relay).toBe("litellm");
    expect(route?.target).toEqual({ apiKey: "sk-litellm", baseUrl: "http://127.0.0.1:4000/v1" });
    expect(route?.route.upstreamModel).toBe("deepseek/deepseek-flash");
    expect(route?.route.provider).toBe("deepseek");
    expect(route?.route.jurisdiction).toBe("CN");
    const request = route?.adapter.buildChatRequest({
      request: { model: deepseek.id, messages: [{ role: "user", content: "hi" }], stream: true },
      modelId: deepseek.id,
      upstreamModel: route.route.upstreamModel,
      target: route.target,
    });
    expect(request?.url).toBe("http://127.0.0.1:4000/v1/chat/completions");
    expect(request?.headers.authorization).toBe("Bearer sk-litellm");
    expect(JSON.parse(request?.body ?? "{}")).toMatchObject({
      model: "deepseek/deepseek-flash",
      stream_options: { include_usage: true },
    });
  });

  it("keeps regional endpoint families and unlisted providers direct", () => {
    const routes = selectRoutes(relayed, qwen, null);
    expect(
      routes.map((route) => [route.route.jurisdiction, route.relay ?? "direct", route.route.upstreamModel]),
    ).toEqual([
      ["SG", "litellm", `dashscope/${qwen.routes[0].upstreamModel}`],
      ["US", "direct", qwen.routes[1]?.upstreamModel],
    ]);
    expect(selectRoutes(relayed, luna, null)[0]?.relay).toBeUndefined();
  });

  it("is configured all or nothing, and only for the OpenAI-dialect providers", () => {
    expect(() => loadConfig({ ...base, LITELLM_PROVIDERS: "deepseek" })).toThrow(/LITELLM_BASE_URL.*LITELLM_API_KEY/);
    expect(() =>
      loadConfig({ ...base, LITELLM_BASE_URL: "http://x.test", LITELLM_API_KEY: "k", LITELLM_PROVIDERS: "anthropic" }),
    ).toThrow(/LITELLM_PROVIDERS/);
    expect(() =>
      loadConfig({
        ...base,
        OMNIZEN_ENV: "production",
        LITELLM_BASE_URL: "http://litellm.example",
        LITELLM_API_KEY: "k",
        LITELLM_PROVIDERS: "deepseek",
      }),
    ).toThrow(/LITELLM_BASE_URL: must be an https/);
  });
});
