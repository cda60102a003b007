/**
 * What counts as prompt text in each dialect. Prompt tokens = `countTokens` of every piece listed here (equal to
 * `countTokens(pieces.join("\n"))`). Directive markers are scanned in `messageTexts` only.
 */

/** The text pieces of a request: message and system text, and serialized tool definitions. */
export interface PromptText {
  /** System text, message text, tool-call names and arguments, tool results, in request order. */
  messageTexts: string[];
  /** `JSON.stringify` of the request's tool definitions (one piece), when it has any. */
  toolTexts: string[];
  /** Whether the request carries a tool result (for the `tool_once` directive: answer it with text). */
  hasToolResult?: boolean;
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const jsonText = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value ?? null));

/**
 * OpenAI chat completions: each message's `content` (a string, or the `text` of its parts), each
 * `tool_calls[].function.name` and `.arguments`; plus `JSON.stringify(tools)`.
 */
export function openAiPromptText(body: JsonObject): PromptText {
  const messageTexts: string[] = [];
  for (const message of asArray(body.messages)) {
    if (!isObject(message)) continue;
    const content = message.content;
    if (typeof content === "string") messageTexts.push(content);
    for (const part of asArray(content)) {
      if (isObject(part) && typeof part.text === "string") messageTexts.push(part.text);
    }
    for (const call of asArray(message.tool_calls)) {
      const fn = isObject(call) && isObject(call.function) ? call.function : undefined;
      if (!fn) continue;
      if (typeof fn.name === "string") messageTexts.push(fn.name);
      if (typeof fn.arguments === "string") messageTexts.push(fn.arguments);
    }
  }
  const tools = asArray(body.tools);
  const hasToolResult = asArray(body.messages).some((message) => isObject(message) && message.role === "tool");
  return { messageTexts, toolTexts: tools.length > 0 ? [JSON.stringify(tools)] : [], hasToolResult };
}

function anthropicBlockTexts(content: unknown, into: string[]): void {
  if (typeof content === "string") {
    into.push(content);
    return;
  }
  for (const block of asArray(content)) {
    if (!isObject(block)) continue;
    if (block.type === "text" && typeof block.text === "string") into.push(block.text);
    if (block.type === "thinking" && typeof block.thinking === "string") into.push(block.thinking);
    if (block.type === "tool_use") into.push(String(block.name ?? ""), jsonText(block.input));
    if (block.type === "tool_result") anthropicBlockTexts(block.content, into);
  }
}

/**
 * Anthropic messages: `system` (string or text blocks), then each message's text / thinking blocks, tool_use
 * name and `JSON.stringify(input)`, tool_result content; plus `JSON.stringify(tools)`.
 */
export function anthropicPromptText(body: JsonObject): PromptText {
  const messageTexts: string[] = [];
  anthropicBlockTexts(body.system, messageTexts);
  for (const message of asArray(body.messages)) {
    if (isObject(message)) anthropicBlockTexts(message.content, messageTexts);
  }
  const tools = asArray(body.tools);
  const hasToolResult = asArray(body.messages).some(
    (message) =>
      isObject(message) && asArray(message.content).some((block) => isObject(block) && block.type === "tool_result"),
  );
  return { messageTexts, toolTexts: tools.length > 0 ? [JSON.stringify(tools)] : [], hasToolResult };
}

/**
 * Gemini generateContent: `systemInstruction.parts[].text`, then each content's parts: `text`, `functionCall`
 * name and `JSON.stringify(args)`, `functionResponse` name and `JSON.stringify(response)`; plus
 * `JSON.stringify(tools)`.
 */
export function geminiPromptText(body: JsonObject): PromptText {
  const messageTexts: string[] = [];
  let hasToolResult = false;
  const contents = [body.systemInstruction, ...asArray(body.contents)];
  for (const content of contents) {
    if (!isObject(content)) continue;
    for (const part of asArray(content.parts)) {
      if (!isObject(part)) continue;
      if (typeof part.text === "string") messageTexts.push(part.text);
      if (isObject(part.functionResponse)) hasToolResult = true;
      for (const call of [part.functionCall, part.functionResponse]) {
        if (!isObject(call)) continue;
        messageTexts.push(String(call.name ?? ""), jsonText(call.args ?? call.response));
      }
    }
  }
  const tools = asArray(body.tools);
  return { messageTexts, toolTexts: tools.length > 0 ? [JSON.stringify(tools)] : [], hasToolResult };
}

const partTexts = (content: unknown, into: string[]): void => {
  if (typeof content === "string") into.push(content);
  for (const part of asArray(content)) if (isObject(part) && typeof part.text === "string") into.push(part.text);
};

/**
 * OpenAI Responses: `instructions`, then `input` (a string, or items: message content text, `function_call` name and
 * arguments, `function_call_output` output, `custom_tool_call` name and input, `custom_tool_call_output` output,
 * reasoning summary and content text); plus `JSON.stringify(tools)`.
 */
export function responsesPromptText(body: JsonObject): PromptText {
  const messageTexts: string[] = [];
  let hasToolResult = false;
  if (typeof body.instructions === "string") messageTexts.push(body.instructions);
  if (typeof body.input === "string") messageTexts.push(body.input);
  for (const item of asArray(body.input)) {
    if (!isObject(item)) continue;
    const type = item.type ?? "message";
    if (type === "message") partTexts(item.content, messageTexts);
    if (type === "function_call") messageTexts.push(String(item.name ?? ""), String(item.arguments ?? ""));
    if (type === "custom_tool_call") messageTexts.push(String(item.name ?? ""), String(item.input ?? ""));
    if (type === "function_call_output" || type === "custom_tool_call_output") {
      hasToolResult = true;
      partTexts(item.output, messageTexts);
    }
    if (type === "reasoning") {
      for (const part of [...asArray(item.summary), ...asArray(item.content)]) partTexts([part], messageTexts);
    }
  }
  const tools = asArray(body.tools);
  return { messageTexts, toolTexts: tools.length > 0 ? [JSON.stringify(tools)] : [], hasToolResult };
}

/**
 * Names of the tools a request declares, for any dialect (OpenAI `function.name`, Anthropic `name`, Gemini
 * declarations).
 */
export function declaredToolNames(body: JsonObject): string[] {
  const names: string[] = [];
  for (const tool of asArray(body.tools)) {
    if (!isObject(tool)) continue;
    if (isObject(tool.function) && typeof tool.function.name === "string") names.push(tool.function.name);
    else if (typeof tool.name === "string") names.push(tool.name);
    for (const declaration of asArray(tool.functionDeclarations ?? tool.function_declarations)) {
      if (isObject(declaration) && typeof declaration.name === "string") names.push(declaration.name);
    }
  }
  return names;
}

/** What a request's tool choice demands of the answer: no tool call, a call of one named tool, or nothing forced. */
export type ToolChoice = { kind: "none" } | { kind: "tool"; name: string } | { kind: "auto" };

/**
 * The tool choice a request makes, as the real APIs honour it, for any dialect:
 * - OpenAI: `tool_choice` `"none"`, `"required"` (the first declared tool), `{type:"function", function:{name}}`;
 *   Responses: `{type:"function", name}`, `{type:"allowed_tools", mode:"required", tools}` (the first listed);
 * - Anthropic: `tool_choice` `{type:"none"}`, `{type:"any"}` (the first declared tool), `{type:"tool", name}`;
 * - Gemini: `toolConfig.functionCallingConfig.mode` `NONE`, or `ANY` (the first of `allowedFunctionNames`, else the
 *   first declared tool).
 * Anything else (absent, `auto`) forces nothing.
 */
export function requestedToolChoice(body: JsonObject): ToolChoice {
  const declared = declaredToolNames(body);
  const first = (): ToolChoice => (declared[0] === undefined ? { kind: "auto" } : { kind: "tool", name: declared[0] });
  const choice = body.tool_choice;
  if (choice === "none") return { kind: "none" };
  if (choice === "required") return first();
  if (isObject(choice)) {
    if (choice.type === "none") return { kind: "none" };
    if (choice.type === "any") return first();
    if (choice.type === "tool" && typeof choice.name === "string") return { kind: "tool", name: choice.name };
    if (choice.type === "function" && isObject(choice.function) && typeof choice.function.name === "string")
      return { kind: "tool", name: choice.function.name };
    if (choice.type === "function" && typeof choice.name === "string") return { kind: "tool", name: choice.name };
    if (choice.type === "allowed_tools" && choice.mode === "required") {
      const allowed = asArray(choice.tools).find((tool) => isObject(tool) && typeof tool.name === "string");
      return isObject(allowed) ? { kind: "tool", name: String(allowed.name) } : first();
    }
  }
  const config = isObject(body.toolConfig) ? body.toolConfig : isObject(body.tool_config) ? body.tool_config : null;
  const calling = config && (isObject(config.functionCallingConfig) ? config.functionCallingConfig : null);
  const mode = calling && typeof calling.mode === "string" ? calling.mode.toUpperCase() : null;
  if (mode === "NONE") return { kind: "none" };
  if (mode === "ANY") {
    const allowed = asArray(calling?.allowedFunctionNames).filter((name): name is string => typeof name === "string");
    return allowed[0] !== undefined ? { kind: "tool", name: allowed[0] } : first();
  }
  return { kind: "auto" };
}

/**
 * Whether the request's last message carries tool results (OpenAI a `tool` message, Anthropic a user message with a
 * `tool_result` block, Gemini a `functionResponse` part; trailing `system` messages skipped): the turn after a tool
 * ran, which an agent expects to be answered, not met with the same tool call again.
 */
export function endsWithToolResult(body: JsonObject): boolean {
  // Claude Code puts `role: "system"` messages (context notes) after the user's turn: they are not the turn.
  const turns = [...asArray(body.messages), ...asArray(body.contents)].filter(
    (message) => !isObject(message) || message.role !== "system",
  );
  const last = turns.at(-1);
  if (!isObject(last)) return false;
  if (last.role === "tool") return true;
  const blocks = [...asArray(last.content), ...asArray(last.parts)];
  return blocks.some((block) => isObject(block) && (block.type === "tool_result" || isObject(block.functionResponse)));
}
