/**
 * A forced tool choice reaches the model as the client asked, through the gateway, for a model served natively
 * (DeepSeek, OpenAI-compatible), one translated to Anthropic and one translated to Gemini: the official `openai`
 * client's named-function and `required` choices come back as a tool call, `none` as text. The provider simulator
 * honours `tool_choice` as the real APIs do (local/provider-sim/prompt-text.ts `requestedToolChoice`).
 */
import { describe, expect, it } from "vitest";
import { openaiClient, seedAccount } from "./support/gateway.ts";

const tools = [
  {
    type: "function" as const,
    function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
  },
  {
    type: "function" as const,
    function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } } } },
  },
];
const messages = [{ role: "user" as const, content: "What is the weather in Dhaka right now?" }];

describe.each(["deepseek/deepseek-flash", "anthropic/claude-haiku-5-5", "gemini/gemini-3.8-flash"])(
  "tool_choice through the gateway: %s",
  (model) => {
    it("a named function is called", async () => {
      const client = openaiClient((await seedAccount()).apiKey);
      const completion = await client.chat.completions.create({
        model,
        messages,
        tools,
        tool_choice: { type: "function", function: { name: "get_time" } },
      });
      expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
      expect(
        completion.choices[0]?.message.tool_calls?.map((call) => call.type === "function" && call.function.name),
      ).toEqual(["get_time"]);
    });

    it("required calls a tool, none answers in text", async () => {
      const client = openaiClient((await seedAccount()).apiKey);
      const required = await client.chat.completions.create({ model, messages, tools, tool_choice: "required" });
      expect(required.choices[0]?.message.tool_calls?.length).toBe(1);
      const none = await client.chat.completions.create({ model, messages, tools, tool_choice: "none" });
      expect(none.choices[0]?.message.tool_calls ?? []).toEqual([]);
      expect(none.choices[0]?.message.content).toBeTruthy();
    });
  },
);
