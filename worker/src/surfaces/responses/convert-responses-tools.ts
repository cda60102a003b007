/**
 * Responses `tools` and `tool_choice` to Chat Completions ones, and the table that maps a called function's name back
 * to the Responses tool it stands for. docs/responses.md ("Tools").
 *
 * | Responses tool | rule | internal (Chat Completions) |
 * |---|---|---|
 * | `function` `{name, description?, parameters?, strict?}` (flat) | map | `{type: "function", function: {name,
 * description, parameters, strict}}` (nested; `parameters` defaults to an empty object schema) |
 * | `custom` `{name, description?, format?}` (Codex's freeform `apply_patch`) | map | a function of one string
 * parameter `input` (a grammar `format` is quoted in its description); a call comes back as `custom_tool_call {call_id,
 * name, input}` |
 * | `namespace` `{name, tools: [function / custom]}` | map | one function per member, named `<namespace>__<name>`; a
 * call comes back as `function_call` with `name` and `namespace` set |
 * | `web_search`, `web_search_preview` (and dated variants) | drop | no catalog model searches through omnizen; Codex
 * sends it by default, and a 400 would end every Codex turn |
 * | any other type (`file_search`, `computer`, `mcp`, `code_interpreter`, `image_generation`, `shell`, ...) | refuse |
 * 400 `tools[i].type` |
 *
 * | `tool_choice` | internal |
 * |---|---|
 * | `none` / `auto` / `required` | the same |
 * | `{type: "function", name}`, `{type: "custom", name}` | `{type: "function", function: {name}}` (400
 * `tool_choice.name` if no such tool) |
 * | `{type: "allowed_tools", mode, tools}` | only the listed tools are sent, with `tool_choice` = `mode` |
 * | a built-in tool type, `mcp`, `shell`, `apply_patch` | refuse: 400 `tool_choice.type` |
 * | any choice without tools left | `none` / `auto` dropped, others refused (400 `tool_choice`) |
 */
import { GatewayError } from "../../errors.ts";

type Json = Record<string, unknown>;

/** What a function name the upstream calls stands for on the Responses surface. */
export interface ToolOrigin {
  kind: "function" | "custom";
  name: string;
  namespace?: string;
}

/** Function name (as the upstream sees it) to its Responses tool. */
export type ToolNames = ReadonlyMap<string, ToolOrigin>;

export interface ChatFunctionTool {
  [field: string]: unknown;
  type: "function";
  function: { name: string; description?: string; parameters: Json; strict?: boolean };
}

export interface ConvertedTools {
  tools?: ChatFunctionTool[];
  tool_choice?: unknown;
  parallel_tool_calls?: boolean;
  names: ToolNames;
}

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const refuse = (param: string, message: string) => new GatewayError("invalid_request", message, { param });

export const NAMESPACE_SEPARATOR = "__";
const WEB_SEARCH = /^web_search(_preview)?(_\d{4}_\d{2}_\d{2})?$/;

/** The function name a namespaced member is called by upstream. */
export const flatName = (name: string, namespace?: string): string =>
  namespace ? `${namespace}${NAMESPACE_SEPARATOR}${name}` : name;

function functionTool(tool: Json, name: string, param: string): ChatFunctionTool {
  if (tool.parameters !== undefined && tool.parameters !== null && !isObject(tool.parameters)) {
    throw refuse(`${param}.parameters`, `${param}.parameters must be a JSON schema object.`);
  }
  const description = typeof tool.description === "string" ? { description: tool.description } : {};
  const strict = typeof tool.strict === "boolean" ? { strict: tool.strict } : {};
  const parameters = isObject(tool.parameters) ? tool.parameters : { type: "object", properties: {} };
  return { type: "function", function: { name, ...description, parameters, ...strict } };
}

function customTool(tool: Json, name: string): ChatFunctionTool {
  const format = isObject(tool.format) ? tool.format : {};
  const grammar =
    format.type === "grammar" && typeof format.definition === "string"
      ? ` It must match this ${typeof format.syntax === "string" ? format.syntax : ""} grammar:\n${format.definition}`
      : "";
  return {
    type: "function",
    function: {
      name,
      ...(typeof tool.description === "string" ? { description: tool.description } : {}),
      parameters: {
        type: "object",
        properties: { input: { type: "string", description: `The tool's raw input text.${grammar}` } },
        required: ["input"],
        additionalProperties: false,
      },
    },
  };
}

function nameOf(tool: Json, param: string): string {
  if (typeof tool.name !== "string" || tool.name === "") throw refuse(`${param}.name`, `${param}.name is required.`);
  return tool.name;
}

/** Converts `tools` by the first table; the tool list keeps the request's order (namespace members in place). */
function convertToolList(tools: readonly Json[]): { tools: ChatFunctionTool[]; names: Map<string, ToolOrigin> } {
  const converted: ChatFunctionTool[] = [];
  const names = new Map<string, ToolOrigin>();
  const add = (origin: ToolOrigin, tool: ChatFunctionTool, param: string) => {
    if (names.has(tool.function.name)) {
      throw refuse(`${param}.name`, `${param}.name: another tool already has this function name.`);
    }
    names.set(tool.function.name, origin);
    converted.push(tool);
  };
  tools.forEach((tool, index) => {
    const param = `tools[${index}]`;
    const type = String(tool.type);
    if (type === "function") {
      const name = nameOf(tool, param);
      add({ kind: "function", name }, functionTool(tool, name, param), param);
    } else if (type === "custom") {
      const name = nameOf(tool, param);
      add({ kind: "custom", name }, customTool(tool, name), param);
    } else if (type === "namespace") {
      const namespace = nameOf(tool, param);
      const members = Array.isArray(tool.tools) ? tool.tools : [];
      members.forEach((member, memberIndex) => {
        const memberParam = `${param}.tools[${memberIndex}]`;
        if (!isObject(member) || (member.type !== "function" && member.type !== "custom")) {
          throw refuse(`${memberParam}.type`, `${memberParam}.type: a namespace may hold function and custom tools.`);
        }
        const name = nameOf(member, memberParam);
        const flat = flatName(name, namespace);
        const chatTool = member.type === "custom" ? customTool(member, flat) : functionTool(member, flat, memberParam);
        add({ kind: member.type, name, namespace }, chatTool, memberParam);
      });
    } else if (!WEB_SEARCH.test(type)) {
      throw refuse(
        `${param}.type`,
        `${param}.type: only function, custom and namespace tools are available on /v1/responses (web_search is dropped).`,
      );
    }
  });
  return { tools: converted, names };
}

/** The chat name of the tool a Responses `tool_choice` names, or a 400. */
function chosenName(choice: Json, names: ToolNames): string {
  const name = typeof choice.name === "string" ? choice.name : "";
  const namespace = typeof choice.namespace === "string" ? choice.namespace : undefined;
  const flat = flatName(name, namespace);
  if (!names.has(flat)) throw refuse("tool_choice.name", "tool_choice names a tool that is not in tools.");
  return flat;
}

function allowedNames(choice: Json, names: ToolNames): Set<string> {
  const listed = Array.isArray(choice.tools) ? choice.tools : [];
  return new Set(
    listed.map((tool, index) => {
      if (!isObject(tool) || (tool.type !== "function" && tool.type !== "custom")) {
        throw refuse(`tool_choice.tools[${index}].type`, "allowed_tools may list function and custom tools.");
      }
      return chosenName(tool, names);
    }),
  );
}

/** Converts `tools`, `tool_choice` and `parallel_tool_calls` by the tables above; throws a 400 for a refusal. */
export function convertResponsesTools(body: {
  tools?: readonly Json[] | null;
  tool_choice?: unknown;
  parallel_tool_calls?: boolean | null;
}): ConvertedTools {
  const { tools, names } = convertToolList(body.tools ?? []);
  const choice = body.tool_choice;
  let sent = tools;
  let toolChoice: unknown;
  if (choice === "none" || choice === "auto" || choice === "required") toolChoice = choice;
  else if (isObject(choice) && (choice.type === "function" || choice.type === "custom")) {
    toolChoice = { type: "function", function: { name: chosenName(choice, names) } };
  } else if (isObject(choice) && choice.type === "allowed_tools") {
    const allowed = allowedNames(choice, names);
    sent = tools.filter((tool) => allowed.has(tool.function.name));
    toolChoice = choice.mode === "required" ? "required" : "auto";
  } else if (isObject(choice)) {
    throw refuse(
      "tool_choice.type",
      "tool_choice.type: only function, custom and allowed_tools choices are available.",
    );
  } else if (choice !== undefined && choice !== null) {
    throw refuse("tool_choice", "tool_choice must be none, auto, required or a tool choice object.");
  }
  if (sent.length === 0) {
    if (toolChoice === "required" || isObject(toolChoice)) throw refuse("tool_choice", "tool_choice requires tools.");
    return { names };
  }
  return {
    names,
    tools: sent,
    ...(toolChoice === undefined ? {} : { tool_choice: toolChoice }),
    ...(typeof body.parallel_tool_calls === "boolean" ? { parallel_tool_calls: body.parallel_tool_calls } : {}),
  };
}
