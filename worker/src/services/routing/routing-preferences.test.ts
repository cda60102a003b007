import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import { MAX_FALLBACK_MODELS, parseRoutingPreferences, preferencesKey } from "./routing-preferences.ts";

const PRIMARY = "deepseek/deepseek-flash";

function refusal(body: Record<string, unknown>): { param: string | null; message: string } {
  try {
    parseRoutingPreferences(body, PRIMARY);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    const gatewayError = error as GatewayError;
    expect(gatewayError.code).toBe("invalid_request");
    expect(gatewayError.status).toBe(400);
    return { param: gatewayError.param, message: gatewayError.message };
  }
  throw new Error("expected a refusal");
}

describe("parseRoutingPreferences", () => {
  it("is null when neither models nor provider is given (or both are null)", () => {
    expect(parseRoutingPreferences({ model: PRIMARY }, PRIMARY)).toBeNull();
    expect(parseRoutingPreferences({ models: null, provider: null }, PRIMARY)).toBeNull();
  });

  it("reads the fallback models in order, skipping the request's model and repeats", () => {
    const parsed = parseRoutingPreferences(
      { models: [PRIMARY, "qwen/qwen4-max", "openai/gpt-6-luna", "qwen/qwen4-max"] },
      PRIMARY,
    );
    expect(parsed?.fallbackModels.map((model) => model.id)).toEqual(["qwen/qwen4-max", "openai/gpt-6-luna"]);
    expect(parsed?.provider).toEqual({ allowFallbacks: true });
  });

  it("reads provider preferences, matching provider ids case-insensitively", () => {
    const parsed = parseRoutingPreferences(
      { provider: { order: ["OpenAI", "qwen"], only: ["openai", "qwen"], ignore: ["zai"], sort: "price" } },
      PRIMARY,
    );
    expect(parsed?.provider).toEqual({
      allowFallbacks: true,
      order: ["openai", "qwen"],
      only: ["openai", "qwen"],
      ignore: ["zai"],
      sort: "price",
    });
    expect(parseRoutingPreferences({ provider: { allow_fallbacks: false } }, PRIMARY)?.provider.allowFallbacks).toBe(
      false,
    );
  });

  it("refuses unknown models and bad shapes with a 400 naming the field", () => {
    expect(refusal({ models: ["qwen/qwen4-max", "nope/unknown"] }).param).toBe("models[1]");
    expect(refusal({ models: "qwen/qwen4-max" }).param).toBe("models");
    expect(refusal({ models: [42] }).param).toBe("models[0]");
    const tooMany = ["qwen/qwen4-max", "openai/gpt-6-luna", "zai/glm-5.3", "moonshot/kimi-k3", "minimax/minimax-m3"];
    expect(tooMany.length).toBeGreaterThan(MAX_FALLBACK_MODELS);
    expect(refusal({ models: tooMany }).param).toBe("models");
    expect(refusal({ provider: "openai" }).param).toBe("provider");
    expect(refusal({ provider: { allow_fallbacks: "no" } }).param).toBe("provider.allow_fallbacks");
    expect(refusal({ provider: { sort: "throughput" } }).param).toBe("provider.sort");
    expect(refusal({ provider: { order: "openai" } }).param).toBe("provider.order");
  });

  it("refuses unknown provider ids, naming the list entry and the known ids", () => {
    const { param, message } = refusal({ provider: { only: ["openai", "together"] } });
    expect(param).toBe("provider.only[1]");
    expect(message).toContain("deepseek");
    expect(refusal({ provider: { ignore: [null] } }).param).toBe("provider.ignore[0]");
  });

  it("refuses OpenRouter fields omnizen does not honour instead of ignoring them", () => {
    for (const field of ["zdr", "max_price", "data_collection", "require_parameters", "quantizations"]) {
      const { param, message } = refusal({ provider: { [field]: true } });
      expect(param).toBe(`provider.${field}`);
      expect(message).toContain("not supported");
    }
  });

  it("keys the cache on the models and provider preferences", () => {
    const first = parseRoutingPreferences({ models: ["qwen/qwen4-max"] }, PRIMARY);
    const second = parseRoutingPreferences({ models: ["qwen/qwen4-max"], provider: { sort: "price" } }, PRIMARY);
    if (!first || !second) throw new Error("expected preferences");
    expect(JSON.stringify(preferencesKey(first))).not.toBe(JSON.stringify(preferencesKey(second)));
  });
});
