/**
 * The parts of the Gemini API wire format this adapter writes and reads. Responses are typed loosely on purpose: they
 * are untrusted JSON and every reader checks each field before use.
 * https://ai.google.dev/api/generate-content
 * https://ai.google.dev/api/caching#Content
 */

export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** https://ai.google.dev/api/caching#Part */
export type GeminiPart =
  | { text: string; thought?: boolean; thoughtSignature?: string }
  | { inlineData: { mimeType: string; data: string } }
  | { fileData: { mimeType: string; fileUri: string } }
  | { functionCall: { name: string; args: JsonObject }; thoughtSignature?: string }
  | { functionResponse: { name: string; response: JsonObject } };

/** https://ai.google.dev/api/caching#Content */
export interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

/** https://ai.google.dev/api/caching#FunctionDeclaration */
export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: JsonObject;
}

/** https://ai.google.dev/api/caching#ToolConfig */
export interface GeminiToolConfig {
  functionCallingConfig: { mode: "AUTO" | "ANY" | "NONE"; allowedFunctionNames?: string[] };
}

export type GeminiThinkingLevel = "minimal" | "low" | "medium" | "high";

/** How a model takes its thinking setting: `thinkingBudget` tokens, or Gemini 3's `thinkingLevel`. */
export type GeminiThinkingStyle = "budget" | "level";

/** https://ai.google.dev/api/generate-content#generationconfig */
export interface GeminiGenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseSchema?: JsonObject;
  /** https://ai.google.dev/gemini-api/docs/thinking: a budget (2.5 and later) or a level (Gemini 3 and later), not both. */
  thinkingConfig?: { thinkingBudget?: number; thinkingLevel?: GeminiThinkingLevel; includeThoughts?: boolean };
}

/** The body of `models.generateContent` and `models.streamGenerateContent`. https://ai.google.dev/api/generate-content#request-body */
export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
}
