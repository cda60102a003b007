import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import { applyChatFieldPolicy } from "./request-fields.ts";

const base: ChatCompletionRequest = { model: "openai/gpt-6-luna", messages: [{ role: "user", content: "Hi" }] };

function refusal(request: Record<string, unknown>): { param: string | null | undefined; message: string } {
  try {
    applyChatFieldPolicy({ ...base, ...request } as ChatCompletionRequest);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    const gatewayError = error as GatewayError;
    expect(gatewayError.status).toBe(400);
    return { param: gatewayError.param, message: gatewayError.message };
  }
  throw new Error("not refused");
}

describe("applyChatFieldPolicy", () => {
  it("passes the token-priced fields through unchanged", () => {
    const request = {
      ...base,
      temperature: 0.2,
      n: 1,
      logprobs: true,
      prediction: { type: "content", content: "x" },
      reasoning_effort: "low",
      user: "u1",
      parallel_tool_calls: false,
    };
    expect(applyChatFieldPolicy(request)).toEqual(request);
  });

  it("consumes the routing preferences (models, provider): never forwarded upstream", () => {
    const kept = applyChatFieldPolicy({ ...base, models: ["qwen/qwen4-max"], provider: { sort: "price" } });
    expect(kept).toEqual(base);
  });

  it.each([
    [{ store: true }, "store"],
    [{ service_tier: "priority" }, "service_tier"],
    [{ service_tier: "flex" }, "service_tier"],
    [{ web_search_options: {} }, "web_search_options"],
    [{ audio: { voice: "alloy", format: "wav" } }, "audio"],
    [{ modalities: ["text", "audio"] }, "modalities"],
    [{ prompt_cache_retention: "24h" }, "prompt_cache_retention"],
    [{ enable_search: true }, "enable_search"],
    [{ thinking: { type: "enabled" } }, "thinking"],
  ])("refuses %j naming %s", (fields, param) => {
    const { param: named, message } = refusal(fields);
    expect(named).toBe(param);
    expect(message).toContain(param);
  });

  it("strips the harmless defaults and the OpenAI-account fields", () => {
    const request = {
      ...base,
      store: false,
      metadata: { a: "b" },
      service_tier: "auto",
      modalities: ["text"],
      prompt_cache_retention: "in_memory",
      audio: null,
    };
    expect(applyChatFieldPolicy(request)).toEqual(base);
  });

  it("refuses audio input parts and provider file ids, naming the part", () => {
    const audio = refusal({
      messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "", format: "wav" } }] }],
    });
    expect(audio.param).toBe("messages[0].content[0].type");
    const file = refusal({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "x" },
            { type: "file", file: { file_id: "file-1" } },
          ],
        },
      ],
    });
    expect(file.param).toBe("messages[0].content[1].file.file_id");
  });

  it("refuses provider-hosted tools, naming the tool's type", () => {
    const tools = [
      { type: "function", function: { name: "f" } },
      { type: "builtin_function", function: { name: "$web_search" } },
    ];
    expect(refusal({ tools }).param).toBe("tools[1].type");
    expect(refusal({ tools: [{ type: "web_search", web_search: { enable: true } }] }).param).toBe("tools[0].type");
  });

  it("does not treat prototype names as accepted fields", () => {
    expect(refusal(JSON.parse('{"__proto__": {"x": 1}, "constructor": 1}') as Record<string, unknown>).param).toBe(
      "__proto__",
    );
  });
});
