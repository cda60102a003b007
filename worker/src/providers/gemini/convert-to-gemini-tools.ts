/**
 * OpenAI `tools` + `tool_choice` -> Gemini `tools[].functionDeclarations` + `toolConfig.functionCallingConfig`.
 * https://ai.google.dev/gemini-api/docs/function-calling
 * https://ai.google.dev/api/caching#FunctionCallingConfig
 */
import { GatewayError } from "../../errors.ts";
import { convertJsonSchemaToGeminiSchema } from "./convert-json-schema-to-gemini-schema.ts";
import {
  isJsonObject,
  type GeminiFunctionDeclaration,
  type GeminiGenerateContentRequest,
  type GeminiToolConfig,
} from "./gemini-api-types.ts";

type GeminiTools = Pick<GeminiGenerateContentRequest, "tools" | "toolConfig">;

const refuse = (param: string, message: string): GatewayError =>
  new GatewayError("invalid_request", message, { param });

function convertDeclaration(tool: unknown, index: number): GeminiFunctionDeclaration {
  const param = `tools[${index}]`;
  if (!isJsonObject(tool) || tool.type !== "function") {
    throw refuse(`${param}.type`, "Only tools of type 'function' are supported for Gemini models.");
  }
  const definition = isJsonObject(tool.function) ? tool.function : {};
  if (typeof definition.name !== "string" || definition.name.length === 0) {
    throw refuse(`${param}.function.name`, "Each function tool needs a name.");
  }
  const parameters = convertJsonSchemaToGeminiSchema(definition.parameters, `${param}.function.parameters`);
  return {
    name: definition.name,
    ...(typeof definition.description === "string" && definition.description.length > 0
      ? { description: definition.description }
      : {}),
    ...(parameters ? { parameters } : {}),
  };
}

/**
 * `tool_choice` -> functionCallingConfig: auto -> AUTO, none -> NONE, required -> ANY, a named function -> ANY + that
 * name.
 */
function convertToolChoice(toolChoice: unknown, declaredNames: string[]): GeminiToolConfig | undefined {
  if (toolChoice === undefined || toolChoice === null) return undefined;
  if (toolChoice === "auto") return { functionCallingConfig: { mode: "AUTO" } };
  if (toolChoice === "none") return { functionCallingConfig: { mode: "NONE" } };
  if (toolChoice === "required") return { functionCallingConfig: { mode: "ANY" } };
  if (isJsonObject(toolChoice) && toolChoice.type === "function") {
    const name = isJsonObject(toolChoice.function) ? toolChoice.function.name : undefined;
    if (typeof name !== "string" || !declaredNames.includes(name)) {
      throw refuse("tool_choice.function.name", "tool_choice must name one of the declared function tools.");
    }
    return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [name] } };
  }
  throw refuse(
    "tool_choice",
    "tool_choice must be 'auto', 'none', 'required' or {type: 'function', function: {name}} for Gemini models.",
  );
}

/** Converts the declared function tools and the caller's tool choice. No tools: nothing is sent. */
export function convertToGeminiTools(tools: unknown, toolChoice: unknown): GeminiTools {
  if (tools !== undefined && tools !== null && !Array.isArray(tools)) throw refuse("tools", "tools must be an array.");
  const declarations = (tools ?? []).map(convertDeclaration);
  if (declarations.length === 0) {
    if (toolChoice === "required" || isJsonObject(toolChoice))
      throw refuse("tool_choice", "tool_choice needs tools to choose from.");
    return {};
  }
  const toolConfig = convertToolChoice(
    toolChoice,
    declarations.map((declaration) => declaration.name),
  );
  return { tools: [{ functionDeclarations: declarations }], ...(toolConfig ? { toolConfig } : {}) };
}
