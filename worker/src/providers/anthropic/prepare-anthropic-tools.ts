/**
 * OpenAI `tools` / `tool_choice` / `parallel_tool_calls` -> Anthropic `tools` / `tool_choice`.
 * https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use
 *
 * | OpenAI | Anthropic |
 * |---|---|
 * | `{type:"function", function:{name, description, parameters}}` | `{name, description, input_schema}` (no parameters
 * -> an empty object schema); `strict` dropped |
 * | other tool types (`custom`, ...) | refused (400, `tools[i].type`) |
 * | `tool_choice: "auto"` / `"none"` / `"required"` | `auto` / `none` / `any` |
 * | `tool_choice: {type:"function", function:{name}}` | `{type:"tool", name}` |
 * | `tool_choice` without `tools` | refused (400, `tool_choice`), as OpenAI does |
 * | `parallel_tool_calls: false` | `disable_parallel_tool_use: true` on the tool choice (auto when none was given) |
 */
import { isJsonObject, type AnthropicTool, type AnthropicToolChoice } from "./anthropic-api-types.ts";
import { cacheControlOf, refuse } from "./convert-to-anthropic-content.ts";

export interface AnthropicToolSettings {
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
}

function convertTool(tool: unknown, index: number): AnthropicTool {
  const param = `tools[${index}]`;
  if (!isJsonObject(tool) || tool.type !== "function") {
    throw refuse(`${param}.type`, `${param}: only function tools are supported for this model.`);
  }
  const definition = tool.function;
  if (!isJsonObject(definition) || typeof definition.name !== "string" || definition.name.length === 0) {
    throw refuse(`${param}.function.name`, `${param}.function.name is required.`);
  }
  const parameters = definition.parameters;
  if (parameters !== undefined && !isJsonObject(parameters)) {
    throw refuse(`${param}.function.parameters`, `${param}.function.parameters must be a JSON Schema object.`);
  }
  return {
    name: definition.name,
    ...(typeof definition.description === "string" ? { description: definition.description } : {}),
    input_schema: parameters ?? { type: "object", properties: {} },
    ...cacheControlOf(tool),
  };
}

function convertToolChoice(choice: unknown): AnthropicToolChoice {
  if (choice === "auto") return { type: "auto" };
  if (choice === "none") return { type: "none" };
  if (choice === "required") return { type: "any" };
  if (
    isJsonObject(choice) &&
    choice.type === "function" &&
    isJsonObject(choice.function) &&
    typeof choice.function.name === "string"
  ) {
    return { type: "tool", name: choice.function.name };
  }
  throw refuse("tool_choice", "tool_choice must be 'auto', 'none', 'required' or {type:'function', function:{name}}.");
}

/** Converts the tool settings. Throws GatewayError `invalid_request` (with `param`) for what cannot be sent. */
export function prepareAnthropicTools(request: {
  tools?: unknown;
  tool_choice?: unknown;
  parallel_tool_calls?: unknown;
}): AnthropicToolSettings {
  const tools = request.tools === undefined || request.tools === null ? [] : request.tools;
  if (!Array.isArray(tools)) throw refuse("tools", "tools must be an array.");
  const hasChoice = request.tool_choice !== undefined && request.tool_choice !== null;
  if (tools.length === 0) {
    if (hasChoice && request.tool_choice !== "none") throw refuse("tool_choice", "tool_choice requires tools.");
    return {};
  }
  let toolChoice: AnthropicToolChoice | undefined = hasChoice ? convertToolChoice(request.tool_choice) : undefined;
  if (request.parallel_tool_calls === false && toolChoice?.type !== "none") {
    toolChoice = { ...(toolChoice ?? { type: "auto" }), disable_parallel_tool_use: true };
  }
  return { tools: tools.map(convertTool), ...(toolChoice ? { tool_choice: toolChoice } : {}) };
}
