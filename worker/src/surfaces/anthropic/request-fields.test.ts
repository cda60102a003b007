import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import { applyMessagesFieldPolicy, forwardedAnthropicBetas } from "./request-fields.ts";

const base = {
  model: "anthropic/claude-haiku-5-5",
  max_tokens: 10,
  messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
};

function refusal(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(400);
    return error as GatewayError;
  }
  throw new Error("not refused");
}

describe("applyMessagesFieldPolicy", () => {
  it("passes token-priced fields (1-hour cache_control included) and forces the standard tier", () => {
    const body = {
      ...base,
      top_k: 5,
      thinking: { type: "enabled", budget_tokens: 2048 },
      cache_control: { type: "ephemeral", ttl: "1h" },
      service_tier: "auto",
    };
    expect(applyMessagesFieldPolicy(body)).toEqual({ ...body, service_tier: "standard_only" });
    expect(applyMessagesFieldPolicy(base)).toEqual({ ...base, service_tier: "standard_only" });
  });

  it.each([
    [{ service_tier: "priority" }, "service_tier"],
    [{ speed: "fast" }, "speed"],
    [{ inference_geo: "us" }, "inference_geo"],
    [{ container: "container_1" }, "container"],
    [{ mcp_servers: [{ type: "url", url: "https://mcp.example", name: "x" }] }, "mcp_servers"],
    [{ context_management: { edits: [{ type: "compact_20260112" }] } }, "context_management"],
    [{ betas: ["x"] }, "betas"],
  ])("refuses %j naming %s", (fields, param) => {
    const error = refusal(() => applyMessagesFieldPolicy({ ...base, ...fields }));
    expect(error.param).toBe(param);
    expect(error.message.startsWith(`${param}:`)).toBe(true);
  });

  it("consumes the routing preferences (models, provider): never forwarded to Anthropic", () => {
    const kept = applyMessagesFieldPolicy({ ...base, models: ["qwen/qwen4-max"], provider: { only: ["qwen"] } });
    expect(kept).not.toHaveProperty("models");
    expect(kept).not.toHaveProperty("provider");
  });

  it("strips harmless defaults and diagnostics, keeps clearing edits", () => {
    const edits = { edits: [{ type: "clear_tool_uses_20250919" }, { type: "clear_thinking_20251015" }] };
    const body = applyMessagesFieldPolicy({
      ...base,
      speed: "standard",
      inference_geo: "global",
      diagnostics: { cache: true },
      context_management: edits,
    });
    expect(body).toEqual({ ...base, context_management: edits, service_tier: "standard_only" });
  });
});

describe("forwardedAnthropicBetas", () => {
  it("strips an unknown beta rather than forwarding it", () => {
    expect(forwardedAnthropicBetas("some-new-beta-2027-01-01, interleaved-thinking-2025-05-14")).toBe(
      "interleaved-thinking-2025-05-14",
    );
    expect(forwardedAnthropicBetas("some-new-beta-2027-01-01")).toBeNull();
  });

  it("forwards every beta Claude Code 2.1.x sends, in order", () => {
    const claudeCode =
      "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27," +
      "mid-conversation-tool-changes-2026-07-01,thinking-token-count-2026-05-13,advanced-tool-use-2025-11-20," +
      "effort-2025-11-24";
    expect(forwardedAnthropicBetas(claudeCode)).toBe(claudeCode);
  });

  it("forwards the token-priced betas and strips cache diagnosis", () => {
    expect(
      forwardedAnthropicBetas(
        "interleaved-thinking-2025-05-14, extended-cache-ttl-2025-04-11,cache-diagnosis-2026-04-07",
      ),
    ).toBe("interleaved-thinking-2025-05-14,extended-cache-ttl-2025-04-11");
    expect(forwardedAnthropicBetas("cache-diagnosis-2026-04-07")).toBeNull();
    expect(forwardedAnthropicBetas(null)).toBeNull();
  });

  it.each([
    "context-1m-2025-08-07",
    "mcp-client-2025-11-20",
    "code-execution-2025-08-25",
    "web-fetch-2025-09-10",
    "files-api-2025-04-14",
  ])("refuses %s, naming it", (beta) => {
    const error = refusal(() => forwardedAnthropicBetas(`interleaved-thinking-2025-05-14,${beta}`));
    expect(error.param).toBe("anthropic-beta");
    expect(error.message).toContain(beta);
  });
});
