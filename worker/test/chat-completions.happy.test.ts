import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { MODELS } from "../src/catalog/models.ts";
import { computeCostMicroUsd, priceAt } from "../src/catalog/pricing.ts";
import { postUsage } from "../src/services/usage/post-usage.ts";
import { openaiClient, seedAccount, waitForUsageRow, withDatabase } from "./support/gateway.ts";

const CANARY = "canary-7f3a9c prompt text that must never be stored";

describe("POST /v1/chat/completions through the official openai client", () => {
  it("answers a non-streamed completion with usage and records a usage row with the same request id", async () => {
    const account = await seedAccount();
    const client = openaiClient(account.apiKey);
    const { data: completion, response } = await client.chat.completions
      .create({ model: "deepseek/deepseek-flash", messages: [{ role: "user", content: `${CANARY} [[sim cached=2]]` }] })
      .withResponse();

    const requestId = response.headers.get("x-request-id");
    expect(requestId).toMatch(/^req_[0-9a-f]{32}$/);
    expect(completion.model).toBe("deepseek/deepseek-flash");
    expect(completion.choices[0]?.message.content).toBeTruthy();
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);

    const row = await waitForUsageRow(requestId ?? "");
    const usage = completion.usage!;
    expect(row).toMatchObject({
      userId: account.userId,
      apiKeyId: account.keyId,
      model: "deepseek/deepseek-flash",
      provider: "deepseek",
      promptTokens: usage.prompt_tokens - 2,
      cachedTokens: 2,
      completionTokens: usage.completion_tokens,
      status: "ok",
      httpStatus: 200,
      stream: false,
      usageSource: "provider",
    });
    // DeepSeek bills by time of day: the price of the band the request started in.
    const price = priceAt(
      MODELS.find((model) => model.id === "deepseek/deepseek-flash")!,
      row.createdAt,
    );
    expect(row.costMicroUsd).toBe(
      computeCostMicroUsd(
        {
          inputUncached: usage.prompt_tokens - 2,
          cacheRead: 2,
          cacheWrite: 0,
          output: usage.completion_tokens,
          reasoning: 0,
          source: "provider",
        },
        price,
      ),
    );
    expect(row.costMicroUsd).toBeGreaterThan(0);
  });

  it("streams a completion chunk by chunk, with the usage chunk when asked, and records it", async () => {
    const account = await seedAccount();
    const client = openaiClient(account.apiKey);
    const { data: stream, response } = await client.chat.completions
      .create({
        model: "openai/gpt-6-luna",
        messages: [{ role: "user", content: `${CANARY} [[sim chunks=6]]` }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    let text = "";
    let contentChunks = 0;
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    for await (const chunk of stream) {
      expect(chunk.model).toBe("openai/gpt-6-luna");
      const delta = chunk.choices[0]?.delta.content;
      if (delta) {
        text += delta;
        contentChunks += 1;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(contentChunks).toBe(6);
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);

    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect(row).toMatchObject({
      provider: "openai",
      stream: true,
      status: "ok",
      promptTokens: usage?.prompt_tokens,
      completionTokens: usage?.completion_tokens,
      usageSource: "provider",
    });
    expect(row.timeToFirstTokenMs).not.toBeNull();
  });

  it("asks the upstream for usage; a client that did not ask gets it (with the cost) only in the final chunk", async () => {
    const account = await seedAccount();
    const client = openaiClient(account.apiKey);
    const { data: stream, response } = await client.chat.completions
      .create({ model: "moonshot/kimi-k3", messages: [{ role: "user", content: "hi [[sim cached=1]]" }], stream: true })
      .withResponse();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === undefined && chunk.choices.length > 0)).toBe(true);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    expect((last?.usage as { cost?: number } | undefined)?.cost).toBe(row.costMicroUsd / 1_000_000);
    expect(row.usageSource).toBe("provider");
    expect(row.cachedTokens).toBe(1);
    expect(row.completionTokens).toBeGreaterThan(0);
  });

  it("deducts the cost from the prepaid balance and stores no prompt text anywhere in Postgres", async () => {
    const account = await seedAccount(1_000_000);
    const client = openaiClient(account.apiKey);
    const { response } = await client.chat.completions
      .create({ model: "qwen/qwen4-max", messages: [{ role: "user", content: CANARY }] })
      .withResponse();
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    const found = await withDatabase(async (db) => {
      // The cost is folded into the balance by the settlement cron, not by the request.
      expect(await postUsage(db)).toBeGreaterThanOrEqual(1);
      const balance = await db.execute(
        sql`SELECT credit_balance_micro_usd::bigint AS balance FROM users WHERE id = ${account.userId}`,
      );
      const leaks = await db.execute(sql`
        SELECT 'usage_events' AS t FROM usage_events u WHERE row_to_json(u)::text LIKE ${`%canary-7f3a9c%`}
        UNION ALL SELECT 'request_logs' FROM request_logs r WHERE row_to_json(r)::text LIKE ${`%canary-7f3a9c%`}
        UNION ALL SELECT 'users' FROM users x WHERE row_to_json(x)::text LIKE ${`%canary-7f3a9c%`}
        UNION ALL SELECT 'api_keys' FROM api_keys k WHERE row_to_json(k)::text LIKE ${`%canary-7f3a9c%`}`);
      return { balance: Number(balance.rows[0]?.balance), leaks: leaks.rows };
    });
    expect(found.balance).toBe(1_000_000 - row.costMicroUsd);
    expect(found.leaks).toEqual([]);
  });
});
