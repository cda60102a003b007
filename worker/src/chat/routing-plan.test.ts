import { describe, expect, it } from "vitest";
import { findModel } from "../catalog/models.ts";
import { priceAt } from "../catalog/pricing.ts";
import type { ModelEntry } from "../catalog/types.ts";
import { GatewayError } from "../errors.ts";
import type { ChatCompletionRequest } from "../lib/openai-types.ts";
import { reservationMicroUsd } from "../services/hot-path/reservation.ts";
import { planRouting } from "./routing-plan.ts";

const model = (id: string): ModelEntry => {
  const entry = findModel(id);
  if (!entry) throw new Error(`no model ${id}`);
  return entry;
};
const at = new Date("2026-12-06T12:00:00Z");
const request: ChatCompletionRequest = {
  model: "deepseek/deepseek-flash",
  messages: [{ role: "user", content: "Hello there" }],
  max_tokens: 1000,
};
const deepseek = model("deepseek/deepseek-flash");
const astra = model("openai/gpt-6-astra");
const luna = model("openai/gpt-6-luna");

describe("planRouting", () => {
  it("reserves for the most expensive candidate model and prices each at its own rates", () => {
    const plan = planRouting(
      request,
      deepseek,
      { fallbackModels: [luna, astra], provider: { allowFallbacks: true } },
      at,
    );
    expect(plan.models.map((entry) => entry.id)).toEqual([deepseek.id, luna.id, astra.id]);
    const each = plan.models.map((entry) => reservationMicroUsd(request, entry, priceAt(entry, at)));
    expect(plan.reservation).toBe(Math.max(...each));
    expect(plan.reservation).toBe(plan.reservationOf(astra));
    expect(plan.reservationOf(astra)).toBeGreaterThan(plan.reservationOf(deepseek));
    expect(plan.priceOf(luna)).toEqual(priceAt(luna, at));
  });

  it("is the request's own model and reservation without preferences", () => {
    const plan = planRouting(request, deepseek, null, at);
    expect(plan.models).toEqual([deepseek]);
    expect(plan.reservation).toBe(reservationMicroUsd(request, deepseek, priceAt(deepseek, at)));
  });

  it("refuses max_tokens above a fallback model's output limit, naming that model", () => {
    const large = { ...request, max_tokens: 100_000 };
    let caught: unknown;
    try {
      planRouting(large, luna, { fallbackModels: [deepseek], provider: { allowFallbacks: true } }, at);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect((caught as GatewayError).param).toBe("max_tokens");
    expect((caught as GatewayError).message).toContain(deepseek.id);
  });
});
