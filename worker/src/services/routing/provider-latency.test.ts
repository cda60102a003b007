import { describe, expect, it } from "vitest";
import { createProviderLatency } from "./provider-latency.ts";

describe("provider latency (what sort: latency ranks by)", () => {
  it("is unknown before the first sample, then a moving average weighted 0.2 to the newest", () => {
    const latency = createProviderLatency();
    expect(latency.averageOf("qwen")).toBeUndefined();
    latency.record("qwen", 100);
    expect(latency.averageOf("qwen")).toBe(100);
    latency.record("qwen", 200);
    expect(latency.averageOf("qwen")).toBeCloseTo(120);
    expect(latency.averageOf("deepseek")).toBeUndefined();
  });

  it("ignores samples that are not a duration", () => {
    const latency = createProviderLatency();
    latency.record("openai", Number.NaN);
    latency.record("openai", -5);
    expect(latency.averageOf("openai")).toBeUndefined();
  });
});
