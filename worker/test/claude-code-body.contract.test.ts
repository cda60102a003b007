/**
 * Exactly what Claude Code 2.1.x sends on /v1/messages (headers and body as observed against a local fake,
 * agents-and-responses reference section 5): accepted for a model routed to Anthropic (forwarded natively, the betas
 * by the beta table) and for converted ones, never a 400; `cache_control` reaches the providers with explicit
 * caching (Qwen, Z.ai) and no other; count_tokens answers the same body for every kind of model.
 */
import { describe, expect, it } from "vitest";
import { gatewayFetch, seedAccount, waitForUsageRow } from "./support/gateway.ts";
import { nonce, simulatorEntries } from "./support/simulator.ts";

const CLAUDE_CODE_BETAS = [
  "claude-code-20250219",
  "interleaved-thinking-2025-05-14",
  "context-management-2025-06-27",
  "mid-conversation-tool-changes-2026-07-01",
  "thinking-token-count-2026-05-13",
  "advanced-tool-use-2025-11-20",
  "effort-2025-11-24",
].join(",");

function claudeCodeHeaders(apiKey: string): Record<string, string> {
  return {
    "x-api-key": apiKey,
    "content-type": "application/json",
    "anthropic-version": "2023-06-01",
    "anthropic-beta": CLAUDE_CODE_BETAS,
    "anthropic-dangerous-direct-browser-access": "true",
    "x-app": "cli",
    "x-claude-code-session-id": crypto.randomUUID(),
    "user-agent": "claude-cli/2.1.332 (external, sdk-cli)",
  };
}

const ephemeral = { type: "ephemeral" };

function claudeCodeBody(model: string, marker: string): Record<string, unknown> {
  return {
    model,
    max_tokens: 32000,
    stream: true,
    thinking: { type: "adaptive", display: "omitted" },
    output_config: { effort: "high" },
    context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
    metadata: {
      user_id: JSON.stringify({ device_id: "d".repeat(64), account_uuid: "", session_id: crypto.randomUUID() }),
    },
    system: [
      { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.332; cc_entrypoint=sdk-cli" },
      { type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: ephemeral },
    ],
    tools: [
      {
        name: "Read",
        description: "Reads a file from the local filesystem.",
        input_schema: {
          type: "object",
          properties: { file_path: { type: "string" } },
          required: ["file_path"],
          additionalProperties: false,
        },
      },
      {
        name: "DeferredToolPlaceholder",
        description: "Tools loaded on demand.",
        input_schema: { type: "object", properties: {} },
        defer_loading: true,
      },
    ],
    messages: [
      {
        role: "user",
        content: [{ type: "text", text: `Where am I? ${marker}`, cache_control: { type: "ephemeral", ttl: "1h" } }],
      },
      {
        role: "system",
        content: [
          { type: "text", text: "# Environment\nPrimary working directory: /tmp/project", cache_control: ephemeral },
        ],
      },
    ],
  };
}

async function sendAsClaudeCode(apiKey: string, model: string, marker: string): Promise<Response> {
  return gatewayFetch("/v1/messages?beta=true", {
    method: "POST",
    headers: claudeCodeHeaders(apiKey),
    body: JSON.stringify(claudeCodeBody(model, marker)),
  });
}

describe.each([
  { model: "anthropic/claude-haiku-5-5", provider: "anthropic", markers: true },
  { model: "qwen/qwen4-max", provider: "qwen", markers: true },
  { model: "zai/glm-5.3", provider: "zai", markers: true },
  { model: "deepseek/deepseek-v4-pro", provider: "deepseek", markers: false },
  { model: "moonshot/kimi-k3", provider: "moonshot", markers: false },
  { model: "gemini/gemini-3.8-flash", provider: "gemini", markers: false },
])("Claude Code's own request to $model", ({ model, provider, markers }) => {
  it("streams an answer and books it; cache markers only where the provider caches explicitly", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const response = await sendAsClaudeCode(apiKey, model, marker);
    const text = await response.text();
    expect(response.status, text.slice(0, 300)).toBe(200);
    expect(text).toContain("event: message_stop");
    expect(text).not.toContain("event: error");
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ model, provider, status: "ok" });

    const [entry] = await simulatorEntries(marker);
    expect(entry?.provider).toBe(provider);
    expect(JSON.stringify(entry?.body).includes("cache_control"), "cache_control upstream").toBe(markers);
    if (provider === "anthropic") {
      // Natively forwarded: the client's own body, and every Claude Code beta the table forwards.
      expect(entry?.anthropic_beta?.split(",")).toEqual(CLAUDE_CODE_BETAS.split(","));
      expect(JSON.stringify(entry?.body)).toContain('"defer_loading":true');
    }
    if (provider === "qwen" || provider === "zai") {
      const body = entry?.body as { messages: Array<{ role: string; content: unknown }> };
      // The system block's marker stays on its part; the 1-hour marker keeps its TTL on Qwen (1-hour writes, reported
      // and billed by TTL) and arrives as a plain one on Z.ai (one cache lifetime).
      expect(body.messages[0]).toEqual({
        role: "system",
        content: [
          { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.332; cc_entrypoint=sdk-cli" },
          { type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: ephemeral },
        ],
      });
      expect(body.messages[1]?.content).toEqual([
        {
          type: "text",
          text: `Where am I? ${marker}`,
          cache_control: provider === "qwen" ? { type: "ephemeral", ttl: "1h" } : ephemeral,
        },
      ]);
    }
  });

  it("counts the same body's tokens, never a 400", async () => {
    const { apiKey } = await seedAccount();
    const { stream: _stream, max_tokens: _maxTokens, ...body } = claudeCodeBody(model, `n${nonce()}`);
    const response = await gatewayFetch("/v1/messages/count_tokens?beta=true", {
      method: "POST",
      headers: claudeCodeHeaders(apiKey),
      body: JSON.stringify(body),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(((await response.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(0);
    expect(response.headers.get("x-omnizen-token-count")).toBe(
      provider === "anthropic" || provider === "gemini" ? "exact" : "estimated",
    );
  });
});
