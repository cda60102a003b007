/**
 * The zod shape of an OpenAI Responses request (`POST /v1/responses`), loose on purpose: Codex sends keys the SDK types
 * do not have (`client_metadata`, `id` on input items), and an unknown key must not end a coding agent's turn. What
 * each field becomes is `request-fields.ts` (the top level) and `convert-from-responses-request.ts` (the conversion).
 * https://platform.openai.com/docs/api-reference/responses/create
 *
 * A string `input` is normalised here to one user message, so the converter sees one shape, and every validation
 * issue has a precise path (`input[2].content[1].type`) that `readJsonBody` turns into the `param`.
 */
import * as z from "zod";

const nullish = <Schema extends z.ZodType>(schema: Schema) => schema.nullish();

/** Message content: a string or an array of typed parts (`input_text`, `input_image`, `output_text`, ...). */
const contentSchema = z.union([z.string(), z.array(z.looseObject({ type: z.string() }))], {
  error: "content must be a string or an array of content parts",
});

/** One input item. Items without `type` are messages (the "easy" form); the converter checks each kind's fields. */
const inputItemSchema = z.looseObject({
  type: z.string().optional(),
  role: z.string().optional(),
  content: contentSchema.nullish(),
});

/** At most 16 string pairs, keys up to 64 and values up to 512 characters; issues name `metadata`, never a key. */
const metadataSchema = z.record(z.string(), z.unknown()).superRefine((metadata, context) => {
  const entries = Object.entries(metadata);
  const fail = (message: string) => context.addIssue({ code: "custom", message, path: [] });
  if (entries.length > 16) fail("metadata holds at most 16 key-value pairs");
  if (entries.some(([key]) => key.length > 64)) fail("metadata keys must be at most 64 characters");
  if (entries.some(([, value]) => typeof value !== "string" || value.length > 512)) {
    fail("metadata values must be strings of at most 512 characters");
  }
});

const formatSchema = z.discriminatedUnion(
  "type",
  [
    z.looseObject({ type: z.literal("text") }),
    z.looseObject({ type: z.literal("json_object") }),
    z.looseObject({
      type: z.literal("json_schema"),
      name: z.string().min(1, "text.format.name is required").max(64),
      schema: z.looseObject({}),
      strict: nullish(z.boolean()),
      description: z.string().optional(),
    }),
  ],
  {
    error: (issue) =>
      issue.code === "invalid_union"
        ? "unsupported text.format type; accepted: text, json_object, json_schema"
        : undefined,
  },
);

export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1, "model is required"),
  input: z.preprocess(
    (value) => (typeof value === "string" ? [{ role: "user", content: value }] : value),
    z
      .array(inputItemSchema, { error: "input must be a string or an array of input items" })
      .min(1, "input must not be empty"),
  ),
  instructions: nullish(z.string()),
  stream: nullish(z.boolean()),
  tools: nullish(z.array(z.looseObject({ type: z.string() }))),
  tool_choice: nullish(z.union([z.string(), z.looseObject({ type: z.string() })])),
  parallel_tool_calls: nullish(z.boolean()),
  text: nullish(
    z.looseObject({
      format: nullish(formatSchema),
      verbosity: nullish(z.enum(["low", "medium", "high"])),
    }),
  ),
  reasoning: nullish(
    z.looseObject({
      effort: nullish(z.enum(["none", "minimal", "low", "medium", "high", "xhigh", "max"])),
      summary: nullish(z.enum(["auto", "concise", "detailed"])),
      generate_summary: nullish(z.enum(["auto", "concise", "detailed"])),
    }),
  ),
  max_output_tokens: nullish(z.number().int().positive()),
  temperature: nullish(z.number().min(0).max(2)),
  top_p: nullish(z.number().min(0).max(1)),
  metadata: nullish(metadataSchema),
  user: nullish(z.string()),
  safety_identifier: nullish(z.string()),
  prompt_cache_key: nullish(z.string()),
});

/** A validated Responses request: `input` is always an array of items (a string became one user message). */
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type ResponsesInputItem = ResponsesRequest["input"][number];
