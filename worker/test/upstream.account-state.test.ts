/**
 * Provider 4xx answers about omnizen's own account (credit balance too low, quota, disabled organization, bad key)
 * never reach the caller: the caller gets a generic 503 in its surface's shape, Sentry gets a report (ids and
 * status, never the provider's text or the prompt), and a model with another route fails over to it and succeeds.
 */
import { describe, expect, it } from "vitest";
import { bearer, chatBody, gatewayFetch, seedAccount, waitForUsageRow } from "./support/gateway.ts";
import { eventOf, waitForSentryEnvelope } from "./support/sentry-fake.ts";
import { nonce, simulatorEntries } from "./support/simulator.ts";

const ACCOUNT_TEXTS = /credit balance|quota|billing|organization has been disabled|api key/i;

describe("omnizen's own provider account state", () => {
  it("OpenAI surface, one route: a generic 503 without the provider's text, reported to Sentry", async () => {
    const { apiKey } = await seedAccount();
    const prompt = `n${nonce()} private prompt text`;
    const response = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(apiKey),
      body: chatBody({
        model: "deepseek/deepseek-flash",
        messages: [{ role: "user", content: `${prompt} [[sim error=402 error_text=credit]]` }],
      }),
    });
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toMatch(ACCOUNT_TEXTS);
    expect(JSON.parse(text)).toMatchObject({ error: { code: "upstream_account_error", type: "api_error" } });

    const envelope = await waitForSentryEnvelope(response.headers.get("x-request-id") ?? "");
    expect(eventOf(envelope)?.tags).toMatchObject({ status: "503", error_code: "upstream_account_error" });
    const reported = JSON.stringify(envelope);
    expect(reported).toContain("deepseek answered 402: credit-or-billing");
    expect(reported).not.toContain(prompt);
    expect(reported).not.toMatch(/credit balance is too low/i);
  });

  it("Anthropic surface: a 400 'credit balance too low' becomes a 503 in Anthropic's shape", async () => {
    const { apiKey } = await seedAccount();
    const response = await gatewayFetch("/v1/messages", {
      method: "POST",
      headers: { "x-api-key": apiKey, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({
        model: "anthropic/claude-haiku-5-5",
        max_tokens: 32,
        messages: [{ role: "user", content: `n${nonce()} hi [[sim error=400 error_text=credit]]` }],
      }),
    });
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toMatch(ACCOUNT_TEXTS);
    expect(JSON.parse(text)).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
  });

  it("fails over to the model's next route and succeeds, and still reports the first route's account problem", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const response = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(apiKey),
      body: chatBody({
        model: "qwen/qwen4-max",
        messages: [
          { role: "user", content: `${marker} [[sim error=400 error_text=quota error_times=1 nonce=${marker}]]` },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]?.message.content).toBeTruthy();
    expect((await simulatorEntries(marker)).map((entry) => entry.outcome)).toEqual(["error", "completed"]);
    const requestId = response.headers.get("x-request-id") ?? "";
    expect((await waitForUsageRow(requestId)).status).toBe("ok");
    const envelope = await waitForSentryEnvelope(requestId);
    expect(eventOf(envelope)?.tags).toMatchObject({ error_code: "upstream_account_error" });
  });
});
