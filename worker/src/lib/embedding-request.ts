/**
 * An accepted `POST /v1/embeddings` request, normalised (embeddings/parse-embedding-request.ts): the inputs as a list
 * (a single string or token array becomes a list of one), and the options with their defaults.
 * https://platform.openai.com/docs/api-reference/embeddings/create
 */
export type EmbeddingInputs =
  | { kind: "text"; texts: string[] }
  /** OpenAI-tokenizer token ids, one array per input (accepted only where the model's provider reads them). */
  | { kind: "tokens"; tokens: number[][] };

export interface EmbeddingRequest {
  /** The catalog id the client asked for. */
  model: string;
  inputs: EmbeddingInputs;
  /** The vector length asked for; null = the model's default. */
  dimensions: number | null;
  /** How the answer carries each vector: a JSON array, or the base64 of its little-endian float32 bytes. */
  encodingFormat: "float" | "base64";
  /** The caller's end-user id (OpenAI's abuse monitoring); null when absent. */
  user: string | null;
}

/** How many inputs a request carries. */
export const inputCount = (inputs: EmbeddingInputs): number =>
  inputs.kind === "text" ? inputs.texts.length : inputs.tokens.length;
