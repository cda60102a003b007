/**
 * What a `POST /v1/embeddings` body may contain, in OpenAI's shape. Every field is listed; anything else is refused
 * with a 400 naming it (as on /v1/chat/completions), so nothing unpriced reaches a provider. docs/embeddings.md.
 * https://platform.openai.com/docs/api-reference/embeddings/create
 *
 * | field | rule |
 * |---|---|
 * | `model` | required; an embedding model of the catalog (a chat model is refused: handle-embeddings.ts) |
 * | `input` | a string, an array of strings, a token array, or an array of token arrays; none empty; at most the
 * model's `maxInputs`; token arrays only where the provider reads OpenAI token ids (OpenAI) |
 * | `dimensions` | a positive integer in the model's range or list; refused for a value the model does not offer |
 * | `encoding_format` | `float` (default) or `base64` (little-endian float32, as OpenAI sends it); not forwarded: the
 * upstream sends floats (its default) and the gateway encodes |
 * | `user` | a string of at most 256 characters: forwarded to OpenAI (its abuse monitoring), dropped for the others |
 */
import * as z from "zod";
import type { EmbeddingModelEntry } from "../catalog/types.ts";
import { GatewayError } from "../errors.ts";
import { inputCount, type EmbeddingInputs, type EmbeddingRequest } from "../lib/embedding-request.ts";

const FIELDS = new Set(["model", "input", "dimensions", "encoding_format", "user"]);

export const embeddingBodySchema = z.looseObject({
  model: z.string().min(1, "model is required"),
  input: z.unknown().optional(),
  dimensions: z.number().int().positive("dimensions must be a positive integer").nullable().optional(),
  encoding_format: z
    .enum(["float", "base64"], { message: "encoding_format must be 'float' or 'base64'" })
    .nullable()
    .optional(),
  user: z.string().max(256).nullable().optional(),
});

export type EmbeddingBody = z.infer<typeof embeddingBodySchema>;

const invalid = (param: string, message: string) => new GatewayError("invalid_request", message, { param });

const isTokenArray = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((token) => Number.isSafeInteger(token) && (token as number) >= 0);

/** The inputs as a list of texts or of token arrays; refuses empty, mixed or malformed inputs. */
function readInputs(input: unknown): EmbeddingInputs {
  if (typeof input === "string") input = [input];
  if (!Array.isArray(input) || input.length === 0) {
    throw invalid("input", "input must be a non-empty string, array of strings, token array or array of token arrays.");
  }
  if (isTokenArray(input)) input = [input];
  const items = input as unknown[];
  if (items.every((item) => typeof item === "string")) {
    const empty = items.findIndex((text) => text === "");
    if (empty >= 0) throw invalid(`input[${empty}]`, `input[${empty}] is empty; every input needs some text.`);
    return { kind: "text", texts: items };
  }
  const bad = items.findIndex((item) => !isTokenArray(item) || item.length === 0);
  if (bad >= 0) {
    throw invalid(
      `input[${bad}]`,
      `input[${bad}] must be a non-empty string or token array (non-negative integers), and all inputs of one kind.`,
    );
  }
  return { kind: "tokens", tokens: items as number[][] };
}

/** The body, normalised; the checks that need the model are in `checkAgainstModel`. */
export function normalizeEmbeddingBody(body: EmbeddingBody): EmbeddingRequest {
  const unknown = Object.keys(body).find((field) => !FIELDS.has(field));
  if (unknown !== undefined) {
    throw invalid(unknown, `Unrecognized request argument supplied: ${unknown.slice(0, 100)}.`);
  }
  return {
    model: body.model,
    inputs: readInputs(body.input),
    dimensions: body.dimensions ?? null,
    encodingFormat: body.encoding_format ?? "float",
    user: body.user ?? null,
  };
}

/** Describes the dimensions a model offers, for an error message. */
function describeDimensions(dimensions: EmbeddingModelEntry["embedding"]["dimensions"]): string {
  return "min" in dimensions ? `${dimensions.min} to ${dimensions.max}` : `one of ${dimensions.join(", ")}`;
}

/** Refuses what the model cannot do: too many inputs, token arrays it cannot read, dimensions it does not offer. */
export function checkAgainstModel(request: EmbeddingRequest, model: EmbeddingModelEntry): void {
  const { embedding } = model;
  const count = inputCount(request.inputs);
  if (count > embedding.maxInputs) {
    throw invalid(
      "input",
      `${model.id} takes at most ${embedding.maxInputs} inputs per request; this one has ${count}.`,
    );
  }
  if (request.inputs.kind === "tokens" && !embedding.tokenArrays) {
    throw invalid("input", `${model.id} does not read token arrays (they are OpenAI tokenizer ids); send the text.`);
  }
  const { dimensions } = request;
  if (dimensions === null) return;
  const offered =
    "min" in embedding.dimensions
      ? dimensions >= embedding.dimensions.min && dimensions <= embedding.dimensions.max
      : embedding.dimensions.includes(dimensions);
  if (!offered) {
    throw invalid(
      "dimensions",
      `${model.id} does not offer ${dimensions} dimensions; it offers ${describeDimensions(embedding.dimensions)}.`,
    );
  }
}
