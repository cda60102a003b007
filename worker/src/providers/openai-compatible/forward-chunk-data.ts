/**
 * The same-dialect fast path of an OpenAI-dialect stream (docs/hot-path.md, "Streams"): a plain content chunk goes to
 * an OpenAI chat client as the upstream wrote it, with only its `model` value replaced, found by a string search
 * instead of a JSON round trip. "Plain" is decided on the text alone, and everything else returns null so the caller
 * parses and translates the event as before:
 *
 * | the data holds | why it is not plain |
 * |---|---|
 * | `": ` anywhere | not compact JSON: the searches below would miss a spaced key |
 * | `"usage"` other than one trailing `,"usage":null}` | a usage report (Kimi's on `choices[0]` too) is billed |
 * | `"finish_reason":"` | the finish reason goes to the usage row and ends the content |
 * | `"error"` | the upstream's in-stream error |
 * | `"tool_calls"` | tool-call text is counted for the estimate by the parser |
 * | no `"model":"` or two of them, or a backslash in its value | the one top-level `model` is not certain |
 *
 * Inside a JSON string every `"` is escaped, so a quoted key found by search is a key, never text.
 * https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */

/** A plain content chunk ready to forward: its JSON text (model replaced) and what it generated, in characters. */
export interface ForwardedChunkData {
  json: string;
  generatedCharacters: number;
  reasoningCharacters: number;
}

const MODEL_KEY = '"model":"';
const TRAILING_NULL_USAGE = ',"usage":null}';

/** Characters of every string value of `key` (`"content":"` style) in `data`: its decoded length, as JS counts it. */
function stringValueCharacters(data: string, key: string): number {
  let total = 0;
  let at = data.indexOf(key);
  while (at !== -1) {
    const start = at + key.length;
    let index = start;
    let escaped = false;
    while (index < data.length && data.charCodeAt(index) !== 0x22) {
      if (data.charCodeAt(index) === 0x5c) {
        escaped = true;
        index += 1;
      }
      index += 1;
    }
    // An escape (\n, \", \u00e9) is shorter once decoded: decode just this literal.
    total += escaped ? (JSON.parse(data.slice(start - 1, index + 1)) as string).length : index - start;
    at = data.indexOf(key, index + 1);
  }
  return total;
}

/**
 * `data` (one event's data) with its model set to `modelField` (`"model":<JSON string>`) when it is a plain content
 * chunk as the table above defines it; otherwise null.
 */
export function forwardChunkData(data: string, modelField: string): ForwardedChunkData | null {
  if (data.charCodeAt(0) !== 0x7b || data.includes('": ')) return null;
  const usageAt = data.indexOf('"usage"');
  // Only a top-level `usage: null`, last in the object (as OpenAI sends it), so the first "usage" is the only one.
  const trailingUsage = data.length - TRAILING_NULL_USAGE.length + 1;
  if (usageAt !== -1 && !(usageAt === trailingUsage && data.endsWith(TRAILING_NULL_USAGE))) return null;
  if (data.includes('"finish_reason":"') || data.includes('"error"') || data.includes('"tool_calls"')) return null;
  const modelAt = data.indexOf(MODEL_KEY);
  if (modelAt === -1) return null;
  const valueStart = modelAt + MODEL_KEY.length;
  const valueEnd = data.indexOf('"', valueStart);
  if (valueEnd === -1 || data.slice(valueStart, valueEnd).includes("\\")) return null;
  if (data.includes(MODEL_KEY, valueEnd)) return null;
  const reasoningCharacters = stringValueCharacters(data, '"reasoning_content":"');
  return {
    json: data.slice(0, modelAt) + modelField + data.slice(valueEnd + 1),
    generatedCharacters: stringValueCharacters(data, '"content":"') + reasoningCharacters,
    reasoningCharacters,
  };
}

/** The replacement `model` field for `modelId`, built once per stream. */
export function modelFieldOf(modelId: string): string {
  return `"model":${JSON.stringify(modelId)}`;
}
