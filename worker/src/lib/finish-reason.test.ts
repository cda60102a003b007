import { describe, expect, it } from "vitest";
import { finishReasonOf, normalizeFinishReason } from "./finish-reason.ts";

describe("finish reasons for the usage row", () => {
  it.each([
    ["stop", "stop"],
    ["length", "length"],
    ["tool_calls", "tool_calls"],
    ["content_filter", "content_filter"],
    ["function_call", "tool_calls"],
    ["insufficient_system_resource", null],
    ["", null],
    [null, null],
    [7, null],
  ])("%s -> %s", (value, expected) => {
    expect(normalizeFinishReason(value)).toBe(expected);
  });

  it("takes the first choice that has one, or null", () => {
    expect(finishReasonOf([{ finish_reason: null }, { finish_reason: "length" }])).toBe("length");
    expect(finishReasonOf([{ finish_reason: null }])).toBeNull();
    expect(finishReasonOf([])).toBeNull();
    expect(finishReasonOf(undefined)).toBeNull();
  });
});
