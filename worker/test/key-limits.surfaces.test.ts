/**
 * A key's spend limit and expiry as clients see them, through the official SDKs on both surfaces: 402 naming the
 * key's limit (OpenAI's `insufficient_quota` shape, Anthropic's `billing_error`), and an expired key refused with 401
 * like a revoked one. The limit and expiry are set through the keys API, so the edge sees them at once.
 */
import Anthropic from "@anthropic-ai/sdk";
import { eq, sql } from "drizzle-orm";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { apiKeys } from "../../db/schema.ts";
import { hashApiKey } from "../src/lib/api-key.ts";
import { dashboardFetch, seedDashboardUser } from "./support/dashboard.ts";
import { anthropicClient, forgetEdgeState, openaiClient, withDatabase } from "./support/gateway.ts";
import { testRedis } from "./support/stand-ins.ts";

async function keyWith(body: Record<string, unknown>): Promise<{ id: string; secret: string; token: string }> {
  const user = await seedDashboardUser();
  const response = await dashboardFetch("/api/keys", user.token, {
    method: "POST",
    body: { name: "limited", ...body },
  });
  expect(response.status).toBe(201);
  const created = (await response.json()) as { id: string; secret: string };
  return { ...created, token: user.token };
}

const chat = (secret: string) =>
  openaiClient(secret).chat.completions.create({
    model: "deepseek/deepseek-flash",
    max_tokens: 50,
    messages: [{ role: "user", content: "Hello" }],
  });

const message = (secret: string) =>
  anthropicClient(secret).messages.create({
    model: "deepseek/deepseek-flash",
    max_tokens: 50,
    messages: [{ role: "user", content: "Hello" }],
  });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected the request to fail");
    },
    (error: unknown) => error,
  );
}

describe("per-key spend limit on both surfaces", () => {
  it("402 naming the key's limit once the period's spend reaches it (the first request's reservation does)", async () => {
    // 1 micro-USD a day: the first request is admitted (nothing spent yet), its reservation uses the day up.
    const key = await keyWith({ spendLimit: { amountMicroUsd: 1, period: "daily" } });
    await chat(key.secret);

    const openaiError = await failure(chat(key.secret));
    expect(openaiError).toBeInstanceOf(OpenAI.APIError);
    const openai = openaiError as InstanceType<typeof OpenAI.APIError>;
    expect(openai.status).toBe(402);
    expect(openai.code).toBe("insufficient_credit");
    expect(openai.type).toBe("insufficient_quota");
    expect(openai.param).toBe("spend_limit");
    expect(openai.message).toMatch(/This API key's spend limit of 0\.000001 USD per day is reached; it resets at /);

    const anthropicError = await failure(message(key.secret));
    expect(anthropicError).toBeInstanceOf(Anthropic.APIError);
    const anthropic = anthropicError as InstanceType<typeof Anthropic.APIError>;
    expect(anthropic.status).toBe(402);
    expect((anthropic.error as { error?: { type?: string } }).error?.type).toBe("billing_error");
    expect(anthropic.message).toContain("spend limit of 0.000001 USD per day is reached");

    // Raising the limit through the API reaches the edge at once.
    const raised = await dashboardFetch(`/api/keys/${key.id}`, key.token, {
      method: "PATCH",
      body: { spendLimit: { amountMicroUsd: 50_000_000, period: "monthly" } },
    });
    expect(raised.status).toBe(200);
    await message(key.secret);
  });
});

describe("key expiry on both surfaces", () => {
  it("refuses an expired key with 401 on both surfaces; extending its expiry brings it back", async () => {
    const key = await keyWith({ expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    await chat(key.secret);
    // Time passes: the expiry is now behind us (set in Postgres, as the API accepts only future instants), and the
    // edge's record is refilled (its TTL ran out).
    const keyHash = await hashApiKey(key.secret);
    await withDatabase((db) =>
      db
        .update(apiKeys)
        .set({ expiresAt: sql`now() - interval '1 second'` })
        .where(eq(apiKeys.id, key.id)),
    );
    await testRedis().del(`omz:key:${keyHash}`);
    // And the isolate's copy of the record is past its 10 s too.
    forgetEdgeState();

    const openaiError = await failure(chat(key.secret));
    expect(openaiError).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((openaiError as Error).message).toContain("This API key has expired");
    const anthropicError = await failure(message(key.secret));
    expect(anthropicError).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((anthropicError as Error).message).toContain("This API key has expired");

    const extended = await dashboardFetch(`/api/keys/${key.id}`, key.token, {
      method: "PATCH",
      body: { expiresAt: null },
    });
    expect(extended.status).toBe(200);
    expect(await extended.json()).toMatchObject({ expiresAt: null });
    await chat(key.secret);
  });
});
