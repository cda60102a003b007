import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest } from "../../lib/openai-types.ts";
import { canonicalJson, canonicalRequest, isCacheable, OUTPUT_NEUTRAL_FIELDS } from "./canonical-request.ts";

const TOOLS = [
  {
    type: "function",
    function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
  },
];

const base: ChatCompletionRequest = {
  model: "deepseek/deepseek-flash",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Weather in Zürich? 🌧" },
  ],
};

const canonical = (request: ChatCompletionRequest, surface: "openai" | "anthropic" = "openai") =>
  canonicalRequest(request, surface);
const parsed = (request: ChatCompletionRequest) =>
  JSON.parse(canonical(request)) as { version: number; surface: string; request: Record<string, unknown> };

describe("canonicalJson", () => {
  it("sorts object keys at every depth and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("leaves out undefined fields and writes undefined array items as null, like JSON.stringify", () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it("escapes strings as JSON does", () => {
    const text = 'quote " backslash \\ newline \n ü 東京 🗼 \u0000';
    expect(canonicalJson({ text })).toBe(JSON.stringify({ text }));
  });
});

describe("canonicalRequest", () => {
  it("is a sorted JSON object with the version, the surface and the request with defaults applied", () => {
    const value = parsed(base);
    expect(value).toEqual({
      version: 1,
      surface: "openai",
      request: {
        model: "deepseek/deepseek-flash",
        messages: [
          { role: "system", content: [{ type: "text", text: "Be brief." }] },
          { role: "user", content: [{ type: "text", text: "Weather in Zürich? 🌧" }] },
        ],
        temperature: 1,
        top_p: 1,
        n: 1,
      },
    });
    expect(canonical(base)).toBe(canonicalJson(value));
  });

  it("does not depend on the order of keys anywhere in the request", () => {
    const reordered: ChatCompletionRequest = {
      messages: [
        { content: "Be brief.", role: "system" },
        { content: "Weather in Zürich? 🌧", role: "user" },
      ],
      tools: [
        {
          function: { parameters: { properties: { city: { type: "string" } }, type: "object" }, name: "get_weather" },
          type: "function",
        },
      ],
      model: "deepseek/deepseek-flash",
    };
    expect(canonical(reordered)).toBe(canonical({ ...base, tools: TOOLS }));
  });

  it("never mutates the request", () => {
    const request: ChatCompletionRequest = structuredClone({
      ...base,
      stop: "END",
      max_tokens: 10,
      tools: TOOLS,
      stream: true,
    });
    const copy = structuredClone(request);
    canonical(request);
    expect(request).toEqual(copy);
  });

  describe("equivalences", () => {
    const equal: Array<[string, ChatCompletionRequest, ChatCompletionRequest]> = [
      ["absent temperature and temperature 1", base, { ...base, temperature: 1 }],
      ["null temperature and temperature 1", { ...base, temperature: null }, { ...base, temperature: 1 }],
      ["absent top_p and top_p 1", base, { ...base, top_p: 1 }],
      ["absent n and n 1", base, { ...base, n: 1 }],
      ["stop string and a one-item array", { ...base, stop: "END" }, { ...base, stop: ["END"] }],
      [
        "stop arrays in another order, with duplicates",
        { ...base, stop: ["b", "a", "b"] },
        { ...base, stop: ["a", "b"] },
      ],
      ["an empty stop array and no stop", { ...base, stop: [] }, base],
      ["null stop and no stop", { ...base, stop: null }, base],
      ["max_tokens and max_completion_tokens", { ...base, max_tokens: 100 }, { ...base, max_completion_tokens: 100 }],
      [
        "both token limits equal and one of them",
        { ...base, max_tokens: 100, max_completion_tokens: 100 },
        { ...base, max_tokens: 100 },
      ],
      [
        "tools without tool_choice and tool_choice auto",
        { ...base, tools: TOOLS },
        { ...base, tools: TOOLS, tool_choice: "auto" },
      ],
      ["an empty tools array and no tools", { ...base, tools: [] }, base],
      ["tool_choice none without tools and nothing", { ...base, tool_choice: "none" }, base],
      [
        "string content and a single text part",
        base,
        {
          ...base,
          messages: [
            { role: "system", content: [{ type: "text", text: "Be brief." }] },
            { role: "user", content: [{ type: "text", text: "Weather in Zürich? 🌧" }] },
          ],
        },
      ],
      [
        "null content and no content",
        { ...base, messages: [...base.messages, { role: "assistant", content: null, tool_calls: [] }] },
        { ...base, messages: [...base.messages, { role: "assistant", tool_calls: [] }] },
      ],
      ["a null unknown parameter and its absence", { ...base, seed: null }, base],
    ];
    it.each(equal)("%s", (_name, first, second) => {
      expect(canonical(first)).toBe(canonical(second));
    });

    it("ignores every output-neutral field", () => {
      const noisy: ChatCompletionRequest = {
        ...base,
        stream: true,
        stream_options: { include_usage: true },
        user: "user-1",
        metadata: { project: "x" },
        store: true,
        service_tier: "flex",
        prompt_cache_key: "abc",
        safety_identifier: "hash",
      };
      expect(
        Object.keys(noisy)
          .filter((key) => !(key in base))
          .sort(),
      ).toEqual([...OUTPUT_NEUTRAL_FIELDS].sort());
      expect(canonical(noisy)).toBe(canonical(base));
    });
  });

  describe("output-affecting changes", () => {
    const changed: Array<[string, ChatCompletionRequest]> = [
      [
        "one character of a message",
        { ...base, messages: [base.messages[0]!, { role: "user", content: "Weather in Zürich? 🌦" }] },
      ],
      [
        "one more message",
        { ...base, messages: [...base.messages, { role: "user", content: "Weather in Zürich? 🌧" }] },
      ],
      ["a message's role", { ...base, messages: [{ role: "developer", content: "Be brief." }, base.messages[1]!] }],
      ["the message order", { ...base, messages: [base.messages[1]!, base.messages[0]!] }],
      [
        "two text parts instead of one string",
        {
          ...base,
          messages: [
            base.messages[0]!,
            {
              role: "user",
              content: [
                { type: "text", text: "Weather in " },
                { type: "text", text: "Zürich? 🌧" },
              ],
            },
          ],
        },
      ],
      ["the model", { ...base, model: "deepseek/deepseek-pro" }],
      ["the temperature", { ...base, temperature: 0.7 }],
      ["temperature 0", { ...base, temperature: 0 }],
      ["top_p", { ...base, top_p: 0.9 }],
      ["tools", { ...base, tools: TOOLS }],
      [
        "a tool's schema",
        { ...base, tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }] },
      ],
      ["tool_choice", { ...base, tools: TOOLS, tool_choice: "required" }],
      ["the token limit", { ...base, max_tokens: 100 }],
      ["two different token limits", { ...base, max_tokens: 100, max_completion_tokens: 200 }],
      ["stop", { ...base, stop: "END" }],
      ["seed", { ...base, seed: 7 }],
      ["reasoning_effort", { ...base, reasoning_effort: "high" }],
      ["response_format", { ...base, response_format: { type: "json_object" } }],
      ["an unknown parameter", { ...base, top_k: 5 }],
    ];
    it.each(changed)("%s", (_name, request) => {
      expect(canonical(request)).not.toBe(canonical(base));
    });

    it("distinguishes the two token-limit pairs that differ", () => {
      expect(canonical({ ...base, max_tokens: 100, max_completion_tokens: 200 })).not.toBe(
        canonical({ ...base, max_tokens: 200, max_completion_tokens: 100 }),
      );
      expect(canonical({ ...base, max_tokens: 100, max_completion_tokens: 200 })).not.toBe(
        canonical({ ...base, max_completion_tokens: 200 }),
      );
    });

    it("includes the surface", () => {
      expect(canonical(base, "anthropic")).not.toBe(canonical(base, "openai"));
    });
  });
});

describe("isCacheable", () => {
  it("caches every request except n > 1, whatever the temperature", () => {
    expect(isCacheable(base)).toBe(true);
    expect(isCacheable({ ...base, n: 1 })).toBe(true);
    expect(isCacheable({ ...base, n: null })).toBe(true);
    expect(isCacheable({ ...base, temperature: 2 })).toBe(true);
    expect(isCacheable({ ...base, tools: TOOLS, tool_choice: "required" })).toBe(true);
    expect(isCacheable({ ...base, n: 2 })).toBe(false);
  });
});
