/**
 * Workers Logs keep what the worker writes to the console (wrangler.toml [observability]), so the console must never
 * hold an API key, a session token or request content. This runs requests of every kind through the worker, with
 * the console captured (the worker runs in this isolate), and scans every line for the key, the prompt and the reply.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generateApiKey } from "../src/lib/api-key.ts";
import { dashboardFetch, seedDashboardUser } from "./support/dashboard.ts";
import { bearer, chatBody, gatewayFetch, seedAccount, waitForUsageRow } from "./support/gateway.ts";
import { waitForSentryEnvelope } from "./support/sentry-fake.ts";
import { nonce } from "./support/simulator.ts";

const METHODS = ["log", "info", "warn", "error", "debug"] as const;
let lines: string[] = [];

beforeEach(() => {
  lines = [];
  for (const method of METHODS) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === "string" ? arg : (JSON.stringify(arg) ?? String(arg)))).join(" "));
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the worker's console output", () => {
  it("holds ids and sizes only: no API key, session token, prompt or answer, whatever the request", async () => {
    const { apiKey } = await seedAccount();
    const user = await seedDashboardUser();
    const prompt = `n${nonce()} confidential-prompt-canary`;
    const ask = (content: string, extra: Record<string, unknown> = {}) =>
      gatewayFetch("/v1/chat/completions", {
        method: "POST",
        headers: bearer(apiKey),
        body: chatBody({ messages: [{ role: "user", content }], ...extra }),
      });

    const answered = await ask(prompt);
    const answer =
      ((await answered.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content ??
      "";
    expect(answer.length).toBeGreaterThan(0);
    await waitForUsageRow(answered.headers.get("x-request-id") ?? "");
    await (await ask(`${prompt} streamed`, { stream: true })).text();
    const failed = await ask(`${prompt} [[sim error=500]]`);
    expect(failed.status).toBe(502);
    await waitForSentryEnvelope(failed.headers.get("x-request-id") ?? "");
    await (await ask(`${prompt} [[sim chunks=4 error_after=1]]`, { stream: true })).text();
    const malformed = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(apiKey),
      body: `{"messages":"${prompt}", broken`,
    });
    expect(malformed.status).toBe(400);
    const unknownKey = generateApiKey();
    expect(
      (await gatewayFetch("/v1/chat/completions", { method: "POST", headers: bearer(unknownKey), body: chatBody() }))
        .status,
    ).toBe(401);
    await (
      await gatewayFetch("/v1/messages", {
        method: "POST",
        headers: { "x-api-key": apiKey, "anthropic-version": "2023-06-01", "content-type": "application/json" },
        body: JSON.stringify({
          model: "deepseek/deepseek-flash",
          max_tokens: 32,
          messages: [{ role: "user", content: prompt }],
        }),
      })
    ).text();
    const embed = (input: string) =>
      gatewayFetch("/v1/embeddings", {
        method: "POST",
        headers: bearer(apiKey),
        body: JSON.stringify({ model: "gemini/gemini-embedding-001", input: [input] }),
      });
    expect((await embed(prompt)).status).toBe(200);
    expect((await embed(`${prompt} [[sim error=500]]`)).status).toBe(502);
    await (await dashboardFetch("/api/account/export", user.token)).text();

    // The capture works (the worker logs its events here), so the checks below are not vacuous.
    expect(lines.length).toBeGreaterThan(0);
    const output = lines.join("\n");
    for (const secret of [apiKey, unknownKey, user.token, "confidential-prompt-canary", answer])
      expect(output).not.toContain(secret);
    expect(output).not.toMatch(/sk-omni-[0-9A-Za-z]{8,}/);
  });
});
