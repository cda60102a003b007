import { describe, expect, it } from "vitest";
import { findModel } from "../../catalog/models.ts";
import { maxOutputTokens } from "../../catalog/output-limits.ts";
import { priceAt } from "../../catalog/pricing.ts";
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import { estimatePromptTokens, IMAGE_TOKEN_ALLOWANCE } from "./prompt-tokens.ts";
import { requestedOutputTokens, reservationMicroUsd } from "./reservation.ts";

const model = findModel("deepseek/deepseek-flash")!;
const request = (content: unknown, extra: Record<string, unknown> = {}) =>
  ({ model: model.id, messages: [{ role: "user", content }], ...extra }) as ChatCompletionRequest;

describe("estimatePromptTokens", () => {
  it("counts CJK text at two tokens a character, not a quarter", () => {
    const chinese = "你好世界".repeat(250); // 1000 characters: about 1000-1500 tokens in current tokenizers
    expect(estimatePromptTokens(chinese)).toBeGreaterThanOrEqual(1_500);
    expect(estimatePromptTokens("a".repeat(1_000))).toBe(334);
  });

  it("counts an emoji (a surrogate pair) as one character", () => {
    expect(estimatePromptTokens("😀")).toBe(2);
  });

  it("gives an image its allowance whatever the size of its data URL", () => {
    const image = { type: "image_url", image_url: { url: `data:image/png;base64,${"A".repeat(400_000)}` } };
    const tokens = estimatePromptTokens([{ type: "text", text: "what is this?" }, image]);
    expect(tokens).toBeGreaterThanOrEqual(IMAGE_TOKEN_ALLOWANCE);
    expect(tokens).toBeLessThan(IMAGE_TOKEN_ALLOWANCE + 100);
    expect(estimatePromptTokens([image, image])).toBeGreaterThanOrEqual(2 * IMAGE_TOKEN_ALLOWANCE);
  });
});

describe("reservation", () => {
  it("refuses max_tokens above the model's output limit with a 400 naming the parameter", () => {
    const limit = maxOutputTokens(model.id);
    expect(requestedOutputTokens(request("x", { max_tokens: limit }), model)).toBe(limit);
    for (const param of ["max_tokens", "max_completion_tokens"]) {
      const error = (() => {
        try {
          requestedOutputTokens(request("x", { [param]: 1e300 }), model);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ status: 400, param });
    }
  });

  it("reserves the model's output limit when the request sets none, and a safe integer always", () => {
    const unset = reservationMicroUsd(request("hi"), model, model.price);
    const small = reservationMicroUsd(request("hi", { max_tokens: 10 }), model, model.price);
    expect(unset).toBeGreaterThan(small);
    expect(unset).toBeGreaterThanOrEqual(Math.ceil((maxOutputTokens(model.id) * model.price.output) / 1_000_000));
    expect(Number.isSafeInteger(reservationMicroUsd(request("x".repeat(1_000_000)), model, model.price))).toBe(true);
  });

  it("reserves more for a CJK prompt than for an ASCII prompt of the same length", () => {
    const cjk = reservationMicroUsd(request("漢".repeat(10_000), { max_tokens: 1 }), model, model.price);
    const ascii = reservationMicroUsd(request("a".repeat(10_000), { max_tokens: 1 }), model, model.price);
    expect(cjk).toBeGreaterThan(5 * ascii);
  });
});

describe("the reservation at a long-context band", () => {
  it("reserves at the long-context band when the estimated prompt is above its threshold", () => {
    const entry = findModel("anthropic/claude-haiku-5-5")!;
    const haiku = priceAt(entry, new Date("2026-12-05T12:00:00Z"));
    const long = haiku.longContext!;
    const request = (characters: number) => ({
      model: entry.id,
      messages: [{ role: "user" as const, content: "x".repeat(characters) }],
      max_tokens: 1000,
    });
    const expected = (characters: number, rates: typeof haiku) =>
      Math.ceil(
        (estimatePromptTokens(request(characters).messages, null) *
          Math.max(rates.input, rates.cacheWrite ?? 0, rates.cacheWrite1h ?? 0) +
          1000 * rates.output) /
          1_000_000,
      );
    // ASCII at 3 characters a token: 270,000 characters are about 90,000 tokens (short band), 330,000 about 110,000.
    expect(reservationMicroUsd(request(270_000), entry, haiku)).toBe(expected(270_000, haiku));
    expect(estimatePromptTokens(request(330_000).messages, null)).toBeGreaterThan(long.aboveInputTokens);
    expect(reservationMicroUsd(request(330_000), entry, haiku)).toBe(expected(330_000, { ...haiku, ...long.rates }));
  });
});
