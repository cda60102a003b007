/**
 * The prompt cache is scoped to the end user when the request names one (services/prompt-cache/end-user-scope.ts):
 * `user` and `safety_identifier` on the OpenAI surface, `metadata.user_id` on the Anthropic surface. Two end users
 * behind one customer key never get each other's cached answers; the same end user does.
 */
import { describe, expect, it } from "vitest";
import { bearer, gatewayFetch, seedAccount } from "./support/gateway.ts";
import { nonce } from "./support/simulator.ts";
import { testRedis } from "./support/stand-ins.ts";

/** Waits until the settlement (waitUntil, after the response) stored `count` entries in the account's cache index. */
async function untilStored(userId: string, count: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if ((await testRedis().scard(`omz:pcidx:${userId}`)) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the cache never held ${count} entries`);
}

async function cacheStatus(
  path: string,
  headers: Record<string, string>,
  payload: Record<string, unknown>,
): Promise<string | null> {
  const response = await gatewayFetch(path, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(payload),
  });
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  return response.headers.get("x-omnizen-cache");
}

describe("prompt cache per end user", () => {
  for (const field of ["user", "safety_identifier"] as const) {
    it(`OpenAI surface, \`${field}\`: another end user is a MISS, the same one a HIT`, async () => {
      const { apiKey, userId } = await seedAccount();
      const prompt = {
        model: "deepseek/deepseek-flash",
        messages: [{ role: "user", content: `n${nonce()} same prompt` }],
      };
      const ask = (endUser: string) =>
        cacheStatus("/v1/chat/completions", bearer(apiKey), { ...prompt, [field]: endUser });
      expect(await ask("end-user-alice")).toBe("MISS");
      await untilStored(userId, 1);
      expect(await ask("end-user-bob")).toBe("MISS");
      await untilStored(userId, 2);
      expect(await ask("end-user-alice")).toBe("HIT");
      expect(await ask("end-user-bob")).toBe("HIT");
    });
  }

  // Through a converted model (the native Anthropic body of a Claude model is part of the canonical form anyway).
  it("Anthropic surface, `metadata.user_id`: another end user is a MISS, the same one a HIT", async () => {
    const { apiKey, userId } = await seedAccount();
    const headers = { "x-api-key": apiKey, "anthropic-version": "2023-06-01" };
    const prompt = {
      model: "deepseek/deepseek-flash",
      max_tokens: 64,
      messages: [{ role: "user", content: `n${nonce()} same prompt` }],
    };
    const ask = (endUser: string) =>
      cacheStatus("/v1/messages", headers, { ...prompt, metadata: { user_id: endUser } });
    expect(await ask("end-user-alice")).toBe("MISS");
    await untilStored(userId, 1);
    expect(await ask("end-user-bob")).toBe("MISS");
    await untilStored(userId, 2);
    expect(await ask("end-user-alice")).toBe("HIT");
  });
});
