/**
 * The zod shape of an Anthropic Messages request (`POST /v1/messages`), loose on purpose: fields omnizen does not map
 * (cache_control, citations, service_tier, container, ...) pass validation and are ignored by the converter.
 * https://docs.anthropic.com/en/api/messages
 *
 * Content given as a string is normalised here to one text block, so the converter sees one shape and every
 * validation issue has a precise path (`messages[2].content[1].type`) that `readJsonBody` turns into the `param`.
 */
import * as z from "zod";

/** `"text"` is shorthand for `[{ type: "text", text }]` in `system`, message `content` and `tool_result.content`. */
function blocksOrString<Block extends z.ZodType>(block: Block, what: string) {
  return z.preprocess(
    (value) => (typeof value === "string" ? [{ type: "text", text: value }] : value),
    z.array(block, { error: `${what} must be a string or an array of content blocks` }),
  );
}

/** Replaces zod's "Invalid input" for an unknown discriminator with a message naming what is accepted. */
function unsupported(what: string, accepted: string) {
  return {
    error: (issue: { code?: string }) =>
      issue.code === "invalid_union" ? `unsupported ${what}; accepted: ${accepted}` : undefined,
  };
}

const textBlockSchema = z.looseObject({ type: z.literal("text"), text: z.string() });

const imageSourceSchema = z.discriminatedUnion(
  "type",
  [
    z.looseObject({
      type: z.literal("base64"),
      media_type: z.enum(["image/jpeg", "image/png", "image/gif", "image/webp"]),
      data: z.string().min(1),
    }),
    z.looseObject({ type: z.literal("url"), url: z.string().min(1) }),
  ],
  unsupported("image source type", "base64, url"),
);

const imageBlockSchema = z.looseObject({ type: z.literal("image"), source: imageSourceSchema });

const documentBlockSchema = z.looseObject({
  type: z.literal("document"),
  source: z.looseObject({ type: z.string(), data: z.unknown().optional() }),
});

const toolResultContentSchema = z.discriminatedUnion(
  "type",
  [textBlockSchema, imageBlockSchema],
  unsupported("tool_result content block type", "text, image"),
);

const toolResultBlockSchema = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1),
  content: blocksOrString(toolResultContentSchema, "tool_result content").optional(),
  is_error: z.boolean().optional(),
});

const toolUseBlockSchema = z.looseObject({
  type: z.literal("tool_use"),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.unknown(),
});

const contentBlockSchema = z.discriminatedUnion(
  "type",
  [
    textBlockSchema,
    imageBlockSchema,
    documentBlockSchema,
    toolUseBlockSchema,
    toolResultBlockSchema,
    z.looseObject({ type: z.literal("thinking") }),
    z.looseObject({ type: z.literal("redacted_thinking") }),
  ],
  unsupported(
    "content block type",
    "text, image, document (plain text), tool_use, tool_result, thinking, redacted_thinking",
  ),
);

const messageSchema = z.looseObject({
  role: z.enum(["user", "assistant", "system"]),
  content: blocksOrString(contentBlockSchema, "content"),
});

const toolSchema = z.looseObject({
  type: z.string().nullish(),
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.looseObject({}).optional(),
});

const parallelOption = { disable_parallel_tool_use: z.boolean().optional() };

const toolChoiceSchema = z.discriminatedUnion(
  "type",
  [
    z.looseObject({ type: z.literal("auto"), ...parallelOption }),
    z.looseObject({ type: z.literal("any"), ...parallelOption }),
    z.looseObject({ type: z.literal("tool"), name: z.string().min(1), ...parallelOption }),
    z.looseObject({ type: z.literal("none") }),
  ],
  unsupported("tool_choice type", "auto, any, tool, none"),
);

const thinkingSchema = z.discriminatedUnion(
  "type",
  [
    z.looseObject({ type: z.literal("enabled"), budget_tokens: z.number().int().positive() }),
    z.looseObject({ type: z.literal("disabled") }),
    z.looseObject({ type: z.literal("adaptive") }),
    z.looseObject({ type: z.literal("between_tools") }),
  ],
  unsupported("thinking type", "enabled, disabled, adaptive, between_tools"),
);

/**
 * Validates a Messages request body for `readJsonBody`: a failure becomes a 400 `invalid_request` whose `param` is
 * the zod path (`max_tokens`, `messages[0].content[1].type`, `thinking.type`, ...). Semantic refusals (server tools,
 * blocks in the wrong role, ...) are `convertFromAnthropicRequest`'s. https://docs.anthropic.com/en/api/messages
 */
export const anthropicRequestSchema = z.looseObject({
  model: z.string().min(1, "model is required"),
  max_tokens: z.number({ error: "max_tokens is required and must be a positive integer" }).int().positive(),
  messages: z.array(messageSchema).min(1, "messages must contain at least one message"),
  system: blocksOrString(textBlockSchema, "system").optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().nonnegative().optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  thinking: thinkingSchema.optional(),
  tool_choice: toolChoiceSchema.optional(),
  tools: z.array(toolSchema).optional(),
  output_config: z
    .looseObject({
      effort: z.enum(["low", "medium", "high", "xhigh", "max"]).nullish(),
      format: z.looseObject({ type: z.literal("json_schema"), schema: z.looseObject({}) }).nullish(),
    })
    .optional(),
});

/** A validated Messages request: every `content`/`system` is an array of blocks (strings were normalised). */
export type AnthropicRequest = z.infer<typeof anthropicRequestSchema>;
export type AnthropicMessage = AnthropicRequest["messages"][number];
export type AnthropicContentBlock = AnthropicMessage["content"][number];
export type AnthropicToolResultBlock = Extract<AnthropicContentBlock, { type: "tool_result" }>;
