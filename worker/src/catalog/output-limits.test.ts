import { describe, expect, it } from "vitest";
import { MODELS } from "./models.ts";
import { MAX_OUTPUT_TOKENS } from "./output-limits.ts";

describe("MAX_OUTPUT_TOKENS", () => {
  it("names every catalog model, and only those", () => {
    expect(Object.keys(MAX_OUTPUT_TOKENS).sort()).toEqual(MODELS.map((model) => model.id).sort());
  });
});
