import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../app.ts";

const production = {
  OMNIZEN_ENV: "production",
  DATABASE_URL: "postgresql://user:secret@ep-example.ap-northeast-1.aws.neon.tech/omnizen?sslmode=require",
  UPSTASH_REDIS_REST_URL: "https://example.upstash.io",
  UPSTASH_REDIS_REST_TOKEN: "token",
  CLERK_SECRET_KEY: "sk_live_example",
  CLERK_WEBHOOK_SIGNING_SECRET: "whsec_ZXhhbXBsZQ==",
};

async function call(url: string, bindings: Record<string, string>, init: RequestInit = {}): Promise<Response> {
  const context = createExecutionContext();
  const response = await createApp().fetch(new Request(url, init), bindings, context);
  await waitOnExecutionContext(context);
  return response;
}

const key = { authorization: `Bearer sk-omni-${"a".repeat(40)}` };

describe("plain http in production (policy 4.1)", () => {
  it("refuses http:// on /v1 in OpenAI's shape, before the key is looked at", async () => {
    const response = await call("http://api.omnizen.ai/v1/chat/completions", production, {
      method: "POST",
      headers: key,
      body: "{}",
    });
    expect(response.status).toBe(403);
    const body = (await response.json()) as { error: { code: string; type: string; message: string } };
    expect(body.error).toMatchObject({ code: "https_required", type: "permission_error" });
    expect(body.error.message).toMatch(/https:\/\//);
    expect((await call("http://api.omnizen.ai/v1/models", production)).status).toBe(403);
  });

  it("answers /v1/messages in Anthropic's shape", async () => {
    const response = await call("http://api.omnizen.ai/v1/messages", production, {
      method: "POST",
      headers: key,
      body: "{}",
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "permission_error" } });
  });

  it("refuses http:// on /api, and an https URL whose visitor scheme was http (X-Forwarded-Proto)", async () => {
    expect((await call("http://api.omnizen.ai/api/account", production)).status).toBe(403);
    const forwarded = await call("https://api.omnizen.ai/v1/chat/completions", production, {
      method: "POST",
      headers: { "x-forwarded-proto": "http" },
    });
    expect(forwarded.status).toBe(403);
  });

  it("serves https:// as before (here: 401 without a key), and leaves local http alone", async () => {
    const secure = await call("https://api.omnizen.ai/v1/chat/completions", production, { method: "POST", body: "{}" });
    expect(secure.status).toBe(401);
    const local = await call(
      "http://127.0.0.1:8787/v1/chat/completions",
      { ...production, OMNIZEN_ENV: "development" },
      { method: "POST", body: "{}" },
    );
    expect(local.status).toBe(401);
    expect((await call("http://api.omnizen.ai/healthz", production)).status).toBe(200);
  });
});
