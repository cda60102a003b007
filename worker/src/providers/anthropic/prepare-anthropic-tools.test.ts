import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import { prepareAnthropicTools } from "./prepare-anthropic-tools.ts";

const weather = {
  type: "function",
  function: {
    name: "weather",
    description: "Current weather",
    parameters: { type: "object", properties: { city: { type: "string" } } },
    strict: true,
  },
};

function refusalOf(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

describe("prepareAnthropicTools", () => {
  it("converts function tools to name / description / input_schema and drops strict", () => {
    expect(
      prepareAnthropicTools({
        tools: [weather, { type: "function", function: { name: "now" }, cache_control: { type: "ephemeral" } }],
      }),
    ).toEqual({
      tools: [
        {
          name: "weather",
          description: "Current weather",
          input_schema: { type: "object", properties: { city: { type: "string" } } },
        },
        { name: "now", input_schema: { type: "object", properties: {} }, cache_control: { type: "ephemeral" } },
      ],
    });
  });

  it.each([
    ["auto", { type: "auto" }],
    ["none", { type: "none" }],
    ["required", { type: "any" }],
    [
      { type: "function", function: { name: "weather" } },
      { type: "tool", name: "weather" },
    ],
  ])("maps tool_choice %j to %j", (choice, expected) => {
    expect(prepareAnthropicTools({ tools: [weather], tool_choice: choice }).tool_choice).toEqual(expected);
  });

  it("maps parallel_tool_calls: false to disable_parallel_tool_use", () => {
    expect(prepareAnthropicTools({ tools: [weather], parallel_tool_calls: false }).tool_choice).toEqual({
      type: "auto",
      disable_parallel_tool_use: true,
    });
    expect(
      prepareAnthropicTools({ tools: [weather], tool_choice: "required", parallel_tool_calls: false }).tool_choice,
    ).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect(
      prepareAnthropicTools({ tools: [weather], tool_choice: "none", parallel_tool_calls: false }).tool_choice,
    ).toEqual({ type: "none" });
    expect(prepareAnthropicTools({ tools: [weather], parallel_tool_calls: true })).not.toHaveProperty("tool_choice");
  });

  it("sends nothing without tools, and ignores tool_choice none there", () => {
    expect(prepareAnthropicTools({})).toEqual({});
    expect(prepareAnthropicTools({ tools: [], tool_choice: "none", parallel_tool_calls: false })).toEqual({});
  });

  it.each([
    [{ tools: [{ type: "custom", custom: { name: "x" } }] }, "tools[0].type"],
    [{ tools: [{ type: "function", function: {} }] }, "tools[0].function.name"],
    [{ tools: [{ type: "function", function: { name: "f", parameters: "nope" } }] }, "tools[0].function.parameters"],
    [{ tools: [weather], tool_choice: "sometimes" }, "tool_choice"],
    [{ tool_choice: "required" }, "tool_choice"],
  ])("refuses %j with param %s", (request, param) => {
    expect(refusalOf(() => prepareAnthropicTools(request))).toMatchObject({
      code: "invalid_request",
      param,
      status: 400,
    });
  });
});
