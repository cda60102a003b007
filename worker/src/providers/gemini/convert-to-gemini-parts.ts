/**
 * OpenAI message content (a string or an array of content parts) -> Gemini parts. Errors never quote the content.
 * https://ai.google.dev/gemini-api/docs/image-understanding
 * https://ai.google.dev/api/caching#Part
 */
import { GatewayError } from "../../errors.ts";
import { isJsonObject, type GeminiPart } from "./gemini-api-types.ts";

/** Mime types guessed from a URL's file extension; other extensions are refused (Gemini needs the type). */
const MIME_TYPES_BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
};

const AUDIO_MIME_TYPES: Record<string, string> = { wav: "audio/wav", mp3: "audio/mp3" };

const refuse = (param: string, message: string): GatewayError =>
  new GatewayError("invalid_request", message, { param });

/** `data:<mime>;base64,<data>` -> inlineData; anything else is refused. */
function inlineDataFromDataUrl(url: string, param: string): GeminiPart {
  const comma = url.indexOf(",");
  const header = comma === -1 ? "" : url.slice("data:".length, comma);
  const mimeType = header.split(";")[0] ?? "";
  if (comma === -1 || !header.endsWith(";base64") || !/^[\w.+-]+\/[\w.+-]+$/.test(mimeType)) {
    throw refuse(param, "A data: URL must have the form data:<mime type>;base64,<data>.");
  }
  return { inlineData: { mimeType, data: url.slice(comma + 1) } };
}

/** http(s) URL -> fileData, with the mime type guessed from the path's extension. */
function fileDataFromUrl(url: string, param: string): GeminiPart {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse(param, "An image URL must be a data: URL or an http(s) URL.");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw refuse(param, "An image URL must be a data: URL or an http(s) URL.");
  }
  const extension = /\.([a-z0-9]+)$/i.exec(parsed.pathname)?.[1]?.toLowerCase() ?? "";
  const mimeType = MIME_TYPES_BY_EXTENSION[extension];
  if (!mimeType) {
    throw refuse(
      param,
      `Gemini needs the media type of a linked file, and it cannot be told from this URL; use a URL ending in ${Object.keys(
        MIME_TYPES_BY_EXTENSION,
      )
        .map((name) => `.${name}`)
        .join(", ")}, or a data: URL.`,
    );
  }
  return { fileData: { mimeType, fileUri: url } };
}

/** An image URL (data: or http(s)) -> an inlineData or fileData part. */
export function convertImageUrl(url: string, param: string): GeminiPart {
  return url.startsWith("data:") ? inlineDataFromDataUrl(url, param) : fileDataFromUrl(url, param);
}

/** One OpenAI content part -> one Gemini part, or null for an empty text part (Gemini rejects empty text). */
function convertContentPart(part: unknown, param: string, allowMedia: boolean): GeminiPart | null {
  if (!isJsonObject(part)) throw refuse(param, "Each content part must be an object.");
  if (part.type === "text" || part.type === "refusal") {
    const text = part.type === "text" ? part.text : part.refusal;
    if (typeof text !== "string") throw refuse(param, `A ${part.type} content part needs a string '${part.type}'.`);
    return text.length > 0 ? { text } : null;
  }
  if (!allowMedia) throw refuse(param, "Only text content parts are supported in this message role.");
  if (part.type === "image_url") {
    const image = part.image_url;
    const url = typeof image === "string" ? image : isJsonObject(image) ? image.url : undefined;
    if (typeof url !== "string") throw refuse(param, "An image_url content part needs image_url.url.");
    return convertImageUrl(url, param);
  }
  if (part.type === "input_audio") {
    const audio = isJsonObject(part.input_audio) ? part.input_audio : {};
    const mimeType = typeof audio.format === "string" ? AUDIO_MIME_TYPES[audio.format] : undefined;
    if (typeof audio.data !== "string" || !mimeType) {
      throw refuse(param, "An input_audio content part needs base64 'data' and a 'format' of wav or mp3.");
    }
    return { inlineData: { mimeType, data: audio.data } };
  }
  if (part.type === "file") {
    const file = isJsonObject(part.file) ? part.file : {};
    if (typeof file.file_data !== "string") {
      throw refuse(param, "Gemini cannot read OpenAI file ids; send the file inline as file.file_data (a data: URL).");
    }
    return inlineDataFromDataUrl(file.file_data, param);
  }
  throw refuse(param, "This content part type is not supported for Gemini models.");
}

/**
 * Message content -> Gemini parts. Strings become one text part; arrays are converted part by part. Empty text is
 * dropped. `allowMedia` is false for roles whose Gemini counterpart takes only text (system, assistant).
 */
export function convertContentToGeminiParts(content: unknown, param: string, allowMedia: boolean): GeminiPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return content.length > 0 ? [{ text: content }] : [];
  if (!Array.isArray(content)) throw refuse(param, "Message content must be a string or an array of content parts.");
  const parts: GeminiPart[] = [];
  for (const part of content) {
    const converted = convertContentPart(part, param, allowMedia);
    if (converted) parts.push(converted);
  }
  return parts;
}

/** Message content as plain text (tool results): strings as is, text parts joined. */
export function contentAsText(content: unknown, param: string): string {
  return convertContentToGeminiParts(content, param, false)
    .map((part) => ("text" in part ? part.text : ""))
    .join("");
}
