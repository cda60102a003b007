/**
 * Routing: fallback across a model's routes only before the first byte, per-route timeouts, jurisdiction control
 * (policy section 8), and client disconnects aborting the upstream while the usage is still recorded.
 */
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { bearer, chatBody, gatewayFetch, openaiClient, seedAccount, waitForUsageRow } from "./support/gateway.ts";
import { nonce, simulatorEntries } from "./support/simulator.ts";

const ask = (apiKey: string, model: string, content: string) =>
  openaiClient(apiKey)
    .chat.completions.create({ model, messages: [{ role: "user", content }] })
    .withResponse();

describe("fallback before the first byte", () => {
  it("tries the next route after a 5xx and answers from it", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const { data, response } = await ask(
      apiKey,
      "qwen/qwen4-max",
      `${marker} [[sim error=503 error_times=1 nonce=${marker}]]`,
    );
    expect(data.choices[0]?.message.content).toBeTruthy();
    const entries = await simulatorEntries(marker);
    expect(entries.map((entry) => entry.outcome)).toEqual(["error", "completed"]);
    expect((await waitForUsageRow(response.headers.get("x-request-id") ?? "")).status).toBe("ok");
  });

  it("also falls back after a 429", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const { data } = await ask(apiKey, "qwen/qwen4-max", `${marker} [[sim error=429 error_times=1 nonce=${marker}]]`);
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(await simulatorEntries(marker)).toHaveLength(2);
  });

  it("does not retry a request the upstream rejected as invalid", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const error = await ask(apiKey, "qwen/qwen4-max", `${marker} [[sim error=400]]`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(await simulatorEntries(marker)).toHaveLength(1);
  });

  it("answers the last route's error when every route fails", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const error = await ask(apiKey, "qwen/qwen4-max", `${marker} [[sim error=503]]`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect(await simulatorEntries(marker)).toHaveLength(2);
  });

  it("never falls back once bytes reached the client", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const stream = await openaiClient(apiKey).chat.completions.create({
      model: "qwen/qwen4-max",
      messages: [{ role: "user", content: `${marker} [[sim chunks=5 disconnect_after=2]]` }],
      stream: true,
    });
    const failure = await (async () => {
      for await (const _chunk of stream) {
        // drain
      }
    })().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(await simulatorEntries(marker)).toHaveLength(1);
  });

  it("times out a route that sends no headers in time (504 on a single-route model)", async () => {
    const { apiKey } = await seedAccount();
    const response = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(apiKey),
      body: chatBody({ messages: [{ role: "user", content: "[[sim stall_ms=6000]]" }] }),
    });
    expect(response.status).toBe(504);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("upstream_timeout");
  });
});

describe("jurisdiction control (policy 8)", () => {
  it("routes only where the account allows and never falls back elsewhere", async () => {
    const { apiKey } = await seedAccount({ accountJurisdictions: ["US"] });
    const marker = `n${nonce()}`;
    // qwen4-max is routed SG, then US: only the US route may be used, so its failure is final.
    const error = await ask(
      apiKey,
      "qwen/qwen4-max",
      `${marker} [[sim error=503 error_times=1 nonce=${marker}]]`,
    ).catch((caught: unknown) => caught);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect(await simulatorEntries(marker)).toHaveLength(1);
    const { data } = await ask(apiKey, "qwen/qwen4-max", `${marker} again`);
    expect(data.choices[0]?.message.content).toBeTruthy();
  });

  it("refuses with 403 naming the reason when the model has no allowed route", async () => {
    const { apiKey } = await seedAccount({ accountJurisdictions: ["US", "EU"] });
    const response = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(apiKey),
      body: chatBody(),
    });
    expect(response.status).toBe(403);
    const { error } = (await response.json()) as { error: { code: string; type: string; message: string } };
    expect(error).toMatchObject({ code: "jurisdiction_not_allowed", type: "permission_error" });
    expect(error.message).toContain("CN");
  });

  it("narrows the account's list by the key's", async () => {
    const { apiKey } = await seedAccount({ accountJurisdictions: ["US", "SG"], keyJurisdictions: ["US"] });
    const error = await ask(apiKey, "moonshot/kimi-k3", "hello").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const marker = `n${nonce()}`;
    const { data } = await ask(apiKey, "qwen/qwen4-max", marker);
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(await simulatorEntries(marker)).toHaveLength(1);
  });
});

describe("client disconnect", () => {
  it("aborts the upstream at once and records what was generated as cancelled", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const response = await gatewayFetch("/v1/chat/completions", {
      method: "POST",
      headers: bearer(apiKey),
      body: chatBody({
        stream: true,
        messages: [{ role: "user", content: `${marker} [[sim chunks=40 delay_ms=100]]` }],
      }),
    });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({ status: "cancelled", stream: true, usageSource: "estimated" });
    expect(row.completionTokens).toBeGreaterThan(0);
    let outcome = "";
    for (let attempt = 0; attempt < 50 && outcome !== "client_closed"; attempt += 1) {
      outcome = (await simulatorEntries(marker))[0]?.outcome ?? "";
      if (outcome !== "client_closed") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(outcome).toBe("client_closed");
  });
});
