import type { z } from "zod";
import { GatewayError } from "../errors.ts";
import { checkJsonLimits, describeJsonLimitViolation } from "../lib/json-limits.ts";
import { joinBytes } from "../lib/join-bytes.ts";

/**
 * Reads a JSON request body of at most `maxBytes`, counting bytes as they stream in (Content-Length is checked first
 * but not trusted), checks its shape limits (lib/json-limits.ts) before parsing, then validates it. Every failure is
 * a GatewayError: 413 too large, 400 malformed, too deep or wide, or invalid.
 */
export async function readJsonBody<Schema extends z.ZodType>(
  request: Request,
  maxBytes: number,
  schema: Schema,
): Promise<z.infer<Schema>> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) throw new GatewayError("invalid_json", "The request body is empty; send a JSON object.");

  // With a Content-Length within the limit, the HTTP framing bounds the body: read it in one call. Otherwise (a
  // chunked body) count the bytes as they arrive.
  const bytes = Number.isFinite(declared)
    ? new Uint8Array(await request.arrayBuffer())
    : await readBounded(request.body, maxBytes);

  const violation = checkJsonLimits(bytes);
  if (violation) throw new GatewayError("invalid_request", describeJsonLimitViolation(violation));

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    // The parser's message can quote the body: it is never copied into the error.
    throw new GatewayError("invalid_json", "The request body is not valid JSON (UTF-8).");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new GatewayError("invalid_request", "The request body must be a JSON object.");
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = issue ? formatPath(issue.path) : null;
    throw new GatewayError(
      "invalid_request",
      issue ? `Invalid ${param || "body"}: ${issue.message}` : "Invalid body.",
      { param },
    );
  }
  return result.data;
}

async function readBounded(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    parts.push(value);
  }
  return joinBytes(parts);
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError("request_too_large", `The request body exceeds the limit of ${maxBytes} bytes.`);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, segment) =>
      typeof segment === "number" ? `${text}[${segment}]` : text ? `${text}.${String(segment)}` : String(segment),
    "",
  );
}
