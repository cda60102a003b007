/**
 * Every provider x {stream, non-stream} x {text, tool call} through the real worker against the simulator: the
 * answer parses with the official openai client, and the usage row's tokens and cost equal what the simulated
 * upstream reported, priced from the catalog.
 */
import type OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { findModel } from "../src/catalog/models.ts";
import { computeCostMicroUsd, priceAt } from "../src/catalog/pricing.ts";
import { openaiClient, seedAccount, waitForUsageRow } from "./support/gateway.ts";
import { nonce, simulatorEntries } from "./support/simulator.ts";

const MODELS = [
  "deepseek/deepseek-flash",
  "openai/gpt-6-luna",
  "zai/glm-5.3",
  "qwen/qwen4-max",
  "minimax/minimax-m3",
  "moonshot/kimi-k3",
  "anthropic/claude-haiku-5-5",
  "gemini/gemini-3.8-flash",
];

const WEATHER_TOOL = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

interface Answer {
  requestId: string;
  content: string;
  toolName?: string;
  toolArguments?: string;
  finishReason?: string | null;
}

async function ask(apiKey: string, model: string, stream: boolean, tool: boolean, marker: string): Promise<Answer> {
  const client = openaiClient(apiKey);
  const directive = tool ? "[[sim cached=2 tool=get_weather]]" : "[[sim cached=2 chunks=3]]";
  const base = {
    model,
    messages: [
      { role: "system" as const, content: "You are terse." },
      { role: "user" as const, content: `Question ${marker} ${directive}` },
    ],
    ...(tool ? { tools: [WEATHER_TOOL] } : {}),
  };
  if (!stream) {
    const { data, response } = await client.chat.completions.create(base).withResponse();
    const choice = data.choices[0];
    const call = choice?.message.tool_calls?.[0];
    return {
      requestId: response.headers.get("x-request-id") ?? "",
      content: choice?.message.content ?? "",
      finishReason: choice?.finish_reason,
      ...(call?.type === "function" ? { toolName: call.function.name, toolArguments: call.function.arguments } : {}),
    };
  }
  const { data, response } = await client.chat.completions
    .create({ ...base, stream: true, stream_options: { include_usage: true } })
    .withResponse();
  const answer: Answer = { requestId: response.headers.get("x-request-id") ?? "", content: "" };
  for await (const chunk of data) {
    const choice = chunk.choices[0];
    answer.content += choice?.delta.content ?? "";
    for (const call of choice?.delta.tool_calls ?? []) {
      if (call.function?.name) answer.toolName = call.function.name;
      answer.toolArguments = (answer.toolArguments ?? "") + (call.function?.arguments ?? "");
    }
    if (choice?.finish_reason) answer.finishReason = choice.finish_reason;
  }
  return answer;
}

describe.each(MODELS)("%s", (model) => {
  const provider = model.split("/")[0];
  describe.each([false, true])("stream=%s", (stream) => {
    it.each([false, true])("tool call=%s: answers and books the upstream's usage", async (tool) => {
      const account = await seedAccount();
      const marker = `n${nonce()}`;
      const answer = await ask(account.apiKey, model, stream, tool, marker);
      if (tool) {
        expect(answer.toolName).toBe("get_weather");
        expect(JSON.parse(answer.toolArguments ?? "null")).toMatchObject({ city: "Dhaka" });
        expect(answer.finishReason).toBe("tool_calls");
      } else {
        expect(answer.content.length).toBeGreaterThan(0);
        expect(answer.finishReason).toBe("stop");
      }

      const row = await waitForUsageRow(answer.requestId);
      const [entry] = await simulatorEntries(marker);
      expect(entry?.provider).toBe(provider);
      const reported = entry?.usage;
      expect(reported).toBeTruthy();
      if (!reported) return;
      const usage = {
        inputUncached: reported.prompt_tokens - reported.cached_tokens - reported.cache_write_tokens,
        cacheRead: reported.cached_tokens,
        cacheWrite: reported.cache_write_tokens,
        output: reported.completion_tokens,
        reasoning: reported.reasoning_tokens,
        source: "provider" as const,
      };
      expect(row).toMatchObject({
        provider,
        model,
        stream,
        status: "ok",
        usageSource: "provider",
        promptTokens: usage.inputUncached,
        cachedTokens: usage.cacheRead,
        completionTokens: usage.output,
      });
      const catalogModel = findModel(model)!;
      expect(row.costMicroUsd).toBe(computeCostMicroUsd(usage, priceAt(catalogModel, row.createdAt)));
      expect(row.priceVersion).toBe(priceAt(catalogModel, row.createdAt).version);
    });
  });
});

describe.each(MODELS)("%s tool round trip with the openai client", (model) => {
  it("sends the tool result back and gets a final answer", async () => {
    const { apiKey } = await seedAccount();
    const client = openaiClient(apiKey);
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: "user", content: "Weather in Dhaka? [[sim tool=get_weather]]" },
    ];
    const first = await client.chat.completions.create({ model, messages, tools: [WEATHER_TOOL] });
    const assistant = first.choices[0]?.message;
    const call = assistant?.tool_calls?.[0];
    expect(call?.type === "function" && call.function.name).toBe("get_weather");
    if (!assistant || !call) return;
    messages.push(assistant as OpenAI.ChatCompletionMessageParam, {
      role: "tool",
      tool_call_id: call.id,
      content: "31°C, humid",
    });
    // The follow-up has no tool directive: the model answers in text.
    messages[0] = { role: "user", content: "Weather in Dhaka?" };
    const second = await client.chat.completions.create({ model, messages, tools: [WEATHER_TOOL] });
    expect(second.choices[0]?.finish_reason).toBe("stop");
    expect(second.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });
});
