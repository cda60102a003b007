/**
 * The forwarding policy end to end (docs/forwarded-fields.md): refused fields and betas answer 400 in the surface's
 * own error shape naming them and never reach the provider; stripped ones never reach it; OpenAI always gets
 * `store: false` and the default tier; Anthropic always gets the standard tier and only the listed betas.
 */
import { describe, expect, it } from "vitest";
import { bearer, gatewayFetch, seedAccount } from "./support/gateway.ts";
import { nonce, simulatorEntries, type SimulatorEntry } from "./support/simulator.ts";

type Json = Record<string, unknown>;

async function chat(apiKey: string, body: Json): Promise<Response> {
  return gatewayFetch("/v1/chat/completions", { method: "POST", headers: bearer(apiKey), body: JSON.stringify(body) });
}

async function messages(apiKey: string, body: Json, headers: Record<string, string> = {}): Promise<Response> {
  return gatewayFetch("/v1/messages", {
    method: "POST",
    headers: { "x-api-key": apiKey, "anthropic-version": "2023-06-01", "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

async function onlyEntry(marker: string): Promise<SimulatorEntry & { body: Json }> {
  const entries = await simulatorEntries(marker);
  expect(entries).toHaveLength(1);
  return entries[0] as SimulatorEntry & { body: Json };
}

describe("/v1/chat/completions", () => {
  it.each([
    ["openai/gpt-6-luna", { store: true }, "store"],
    ["openai/gpt-6-luna", { service_tier: "priority" }, "service_tier"],
    ["openai/gpt-6-luna", { web_search_options: { search_context_size: "high" } }, "web_search_options"],
    ["openai/gpt-6-luna", { modalities: ["text", "audio"], audio: { voice: "alloy", format: "wav" } }, "modalities"],
    ["qwen/qwen4-max", { enable_search: true }, "enable_search"],
    ["deepseek/deepseek-flash", { some_vendor_flag: 1 }, "some_vendor_flag"],
    ["moonshot/kimi-k3", { tools: [{ type: "builtin_function", function: { name: "$web_search" } }] }, "tools[0].type"],
    ["zai/glm-5.3", { tools: [{ type: "web_search", web_search: { enable: true } }] }, "tools[0].type"],
  ])("%s: %j is refused with a 400 naming %s and never reaches the provider", async (model, fields, param) => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const response = await chat(apiKey, { model, messages: [{ role: "user", content: `Hi ${marker}` }], ...fields });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { type: string; param: string; message: string } };
    expect(error).toMatchObject({ type: "invalid_request_error", param });
    expect(error.message).toContain(param);
    expect(await simulatorEntries(marker)).toHaveLength(0);
  });

  it("OpenAI gets store false and the default tier whether or not the client sent them; stripped fields never arrive", async () => {
    const { apiKey } = await seedAccount();
    const silent = `n${nonce()}`;
    expect(
      (await chat(apiKey, { model: "openai/gpt-6-luna", messages: [{ role: "user", content: `Hi ${silent}` }] }))
        .status,
    ).toBe(200);
    expect((await onlyEntry(silent)).body).toMatchObject({ store: false, service_tier: "default" });

    const explicit = `n${nonce()}`;
    const response = await chat(apiKey, {
      model: "openai/gpt-6-luna",
      messages: [{ role: "user", content: `Hi ${explicit}` }],
      store: false,
      service_tier: "auto",
      metadata: { team: "a" },
      modalities: ["text"],
    });
    expect(response.status).toBe(200);
    const { body } = await onlyEntry(explicit);
    expect(body).toMatchObject({ store: false, service_tier: "default" });
    expect(body).not.toHaveProperty("metadata");
    expect(body).not.toHaveProperty("modalities");
  });

  it("other OpenAI-dialect providers get neither store nor OpenAI-only fields", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const response = await chat(apiKey, {
      model: "deepseek/deepseek-flash",
      messages: [{ role: "user", content: `Hi ${marker}` }],
      store: false,
      safety_identifier: "end-user-1",
    });
    expect(response.status).toBe(200);
    const { body } = await onlyEntry(marker);
    for (const field of ["store", "service_tier", "safety_identifier"]) expect(body).not.toHaveProperty(field);
  });
});

describe("/v1/messages", () => {
  const request = (marker: string, fields: Json = {}): Json => ({
    model: "anthropic/claude-haiku-5-5",
    max_tokens: 64,
    messages: [{ role: "user", content: `Hi ${marker}` }],
    ...fields,
  });

  it.each([
    ["context-1m-2025-08-07"],
    ["mcp-client-2025-11-20"],
    ["interleaved-thinking-2025-05-14,web-fetch-2025-09-10"],
  ])("anthropic-beta %s is refused with a 400 naming it and never reaches Anthropic", async (beta) => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const response = await messages(apiKey, request(marker), { "anthropic-beta": beta });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(body.error.message).toContain(beta.split(",").at(-1));
    expect(await simulatorEntries(marker)).toHaveLength(0);
  });

  it.each([
    [{ mcp_servers: [{ type: "url", url: "https://mcp.example.com/sse", name: "x" }] }, "mcp_servers"],
    [{ container: "container_abc" }, "container"],
    [{ speed: "fast" }, "speed"],
    [{ service_tier: "priority" }, "service_tier"],
    [{ inference_geo: "us" }, "inference_geo"],
    [{ tools: [{ type: "web_search_20250305", name: "web_search" }] }, "tools[0]"],
    [{ some_new_field: true }, "some_new_field"],
  ])("%j is refused with a 400 naming %s and never reaches Anthropic", async (fields, param) => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const response = await messages(apiKey, request(marker, fields));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(body.error.message).toContain(param);
    expect(await simulatorEntries(marker)).toHaveLength(0);
  });

  it("the native route forwards only the listed betas (an unknown one is stripped), strips diagnostics and the default geo, and forces the standard tier", async () => {
    const { apiKey } = await seedAccount();
    const marker = `n${nonce()}`;
    const response = await messages(
      apiKey,
      request(marker, {
        service_tier: "auto",
        inference_geo: "global",
        speed: "standard",
        diagnostics: { cache: true },
      }),
      { "anthropic-beta": "interleaved-thinking-2025-05-14, cache-diagnosis-2026-04-07, brand-new-beta-2027-01-01" },
    );
    expect(response.status).toBe(200);
    const entry = await onlyEntry(marker);
    expect(entry.anthropic_beta).toBe("interleaved-thinking-2025-05-14");
    expect(entry.body.service_tier).toBe("standard_only");
    for (const field of ["inference_geo", "speed", "diagnostics"]) expect(entry.body).not.toHaveProperty(field);
  });
});
