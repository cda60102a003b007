/**
 * OpenAI content parts -> Anthropic content blocks: text, images and PDF files.
 * https://docs.anthropic.com/en/docs/build-with-claude/vision
 * https://docs.anthropic.com/en/docs/build-with-claude/pdf-support
 */
import { GatewayError } from "../../errors.ts";
import {
  isJsonObject,
  type AnthropicCacheControl,
  type AnthropicDocumentBlock,
  type AnthropicImageBlock,
  type AnthropicTextBlock,
  type JsonObject,
} from "./anthropic-api-types.ts";

/** The image media types Anthropic accepts in a base64 source. */
const IMAGE_MEDIA_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** A 400 `invalid_request` naming the OpenAI parameter; the message never quotes request content. */
export function refuse(param: string, message: string): GatewayError {
  return new GatewayError("invalid_request", message, { param });
}

/** The client's `cache_control` on a part or tool (an Anthropic prompt-caching extension), when well formed. */
export function cacheControlOf(part: JsonObject): { cache_control?: AnthropicCacheControl } {
  const value = part.cache_control;
  return isJsonObject(value) && typeof value.type === "string" ? { cache_control: value as AnthropicCacheControl } : {};
}

/** A text block, or nothing for empty or whitespace-only text (Anthropic rejects those blocks). */
export function textBlock(text: string, part: JsonObject = {}): AnthropicTextBlock[] {
  return text.trim().length === 0 ? [] : [{ type: "text", text, ...cacheControlOf(part) }];
}

/**
 * Text-only content (system, developer, tool results, assistant text): a string or `text` parts. Assistant
 * `refusal` parts are dropped (they repeat a refusal the model already made).
 */
export function convertTextContent(content: unknown, param: string): AnthropicTextBlock[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return textBlock(content);
  if (!Array.isArray(content)) throw refuse(param, `${param} must be a string or an array of content parts.`);
  return content.flatMap((part: unknown, index): AnthropicTextBlock[] => {
    const partParam = `${param}[${index}]`;
    if (!isJsonObject(part)) throw refuse(partParam, `${partParam} must be a content part object.`);
    if (part.type === "refusal") return [];
    if (part.type === "text" && typeof part.text === "string") return textBlock(part.text, part);
    throw refuse(`${partParam}.type`, `${partParam}: only text parts are allowed here for this model.`);
  });
}

function convertImagePart(part: JsonObject, param: string): AnthropicImageBlock {
  const imageUrl = part.image_url;
  const url = typeof imageUrl === "string" ? imageUrl : isJsonObject(imageUrl) ? imageUrl.url : undefined;
  if (typeof url !== "string") throw refuse(`${param}.image_url`, `${param}.image_url.url is required.`);
  const dataUrl = DATA_URL.exec(url);
  if (dataUrl) {
    const mediaType = (dataUrl[1] ?? "").toLowerCase();
    if (!IMAGE_MEDIA_TYPES.has(mediaType)) {
      throw refuse(`${param}.image_url`, `${param}: images must be JPEG, PNG, GIF or WebP for this model.`);
    }
    return {
      type: "image",
      source: { type: "base64", media_type: mediaType, data: dataUrl[2] ?? "" },
      ...cacheControlOf(part),
    };
  }
  if (/^https?:\/\//i.test(url)) return { type: "image", source: { type: "url", url }, ...cacheControlOf(part) };
  throw refuse(`${param}.image_url`, `${param}.image_url.url must be an http(s) URL or a base64 data: URL.`);
}

function convertFilePart(part: JsonObject, param: string): AnthropicDocumentBlock {
  const file = isJsonObject(part.file) ? part.file : {};
  const dataUrl = typeof file.file_data === "string" ? DATA_URL.exec(file.file_data) : null;
  if (!dataUrl || (dataUrl[1] ?? "").toLowerCase() !== "application/pdf") {
    throw refuse(
      `${param}.file`,
      `${param}: only PDF files given inline as file_data (a base64 data: URL) are supported for this model.`,
    );
  }
  return {
    type: "document",
    source: { type: "base64", media_type: "application/pdf", data: dataUrl[2] ?? "" },
    ...(typeof file.filename === "string" && file.filename.length > 0 ? { title: file.filename } : {}),
    ...cacheControlOf(part),
  };
}

type UserBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock;

/** User content: a string or `text`, `image_url` and `file` (PDF) parts. Audio parts are refused. */
export function convertUserContent(content: unknown, param: string): UserBlock[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return textBlock(content);
  if (!Array.isArray(content)) throw refuse(param, `${param} must be a string or an array of content parts.`);
  return content.flatMap((part: unknown, index): UserBlock[] => {
    const partParam = `${param}[${index}]`;
    if (!isJsonObject(part)) throw refuse(partParam, `${partParam} must be a content part object.`);
    if (part.type === "text" && typeof part.text === "string") return textBlock(part.text, part);
    if (part.type === "image_url") return [convertImagePart(part, partParam)];
    if (part.type === "file") return [convertFilePart(part, partParam)];
    throw refuse(`${partParam}.type`, `${partParam}: this type of content part is not supported for this model.`);
  });
}
