import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import type { StreamPart } from "../types.ts";
import { convertResponsesUsage } from "./convert-from-responses-usage.ts";
import { createResponsesStreamTranslator } from "./responses-stream-translator.ts";

const translate = (events: Array<Record<string, unknown>>): StreamPart[] => {
  const translator = createResponsesStreamTranslator("openai/gpt-x");
  return events.flatMap((payload) =>
    translator.translate({ event: String(payload.type), data: JSON.stringify(payload), id: undefined }),
  );
};
const created = { type: "response.created", response: { id: "resp_9", created_at: 42, output: [] } };
const usage = { input_tokens: 5, output_tokens: 3, output_tokens_details: { reasoning_tokens: 1 } };

describe("createResponsesStreamTranslator", () => {
  it("emits text, reasoning and argument deltas, then the finish, the usage and the end", () => {
    const parts = translate([
      created,
      { type: "response.reasoning_summary_text.delta", delta: "think" },
      { type: "response.output_text.delta", delta: "Hi" },
      { type: "response.function_call_arguments.delta", output_index: 2, delta: '{"a"' },
      { type: "response.output_text.done", text: "Hi" },
      {
        type: "response.completed",
        response: { status: "completed", output: [{ type: "function_call" }], usage },
      },
    ]);
    const deltas = parts.flatMap((part) => (part.type === "chunk-emit" ? [part.chunk.choices[0]] : []));
    expect(deltas.map((choice) => choice?.delta)).toEqual([
      { reasoning_content: "think" },
      { content: "Hi" },
      { tool_calls: [{ index: 2, function: { arguments: '{"a"' } }] },
      {},
    ]);
    expect(deltas.at(-1)?.finish_reason).toBe("tool_calls");
    const chunk = parts.find((part) => part.type === "chunk-emit");
    expect(chunk?.type === "chunk-emit" && [chunk.chunk.id, chunk.chunk.created, chunk.chunk.model]).toEqual([
      "resp_9",
      42,
      "openai/gpt-x",
    ]);
    expect(parts.slice(-2).map((part) => part.type)).toEqual(["usage-final", "stream-end"]);
    const final = parts.at(-2);
    expect(final?.type === "usage-final" && final.usage).toEqual(convertResponsesUsage(usage));
  });

  it("maps an incomplete response to length or content_filter, and ends without usage when none came", () => {
    const incomplete = (reason: string) =>
      translate([{ type: "response.incomplete", response: { status: "incomplete", incomplete_details: { reason } } }]);
    const finish = (parts: StreamPart[]) => {
      const first = parts[0];
      return first?.type === "chunk-emit" ? first.chunk.choices[0]?.finish_reason : null;
    };
    expect(finish(incomplete("max_output_tokens"))).toBe("length");
    expect(finish(incomplete("content_filter"))).toBe("content_filter");
    expect(incomplete("max_output_tokens").map((part) => part.type)).toEqual(["chunk-emit", "stream-end"]);
  });

  it("throws typed errors for response.failed and error events, and a malformed event", () => {
    const failed = (code: string) => () =>
      translate([{ type: "response.failed", response: { status: "failed", error: { code, message: "x" } } }]);
    expect(failed("rate_limit_exceeded")).toThrow(expect.objectContaining({ code: "upstream_rate_limited" }));
    expect(failed("insufficient_quota")).toThrow(expect.objectContaining({ code: "upstream_account_error" }));
    expect(failed("server_error")).toThrow(expect.objectContaining({ code: "upstream_error" }));
    expect(() => translate([{ type: "error", code: "rate_limit_exceeded", message: "x" }])).toThrow(
      expect.objectContaining({ code: "upstream_rate_limited" }),
    );
    const translator = createResponsesStreamTranslator("m");
    expect(() => translator.translate({ event: "x", data: "{not json", id: undefined })).toThrow(GatewayError);
  });
});
