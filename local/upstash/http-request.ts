import type { IncomingMessage } from "node:http";
import { timingSafeEqual } from "node:crypto";

/** Largest accepted request body. */
export const maxBodyBytes = 10 * 1024 * 1024;

/** A request the server should reject with `status` and `{"error": message}`. */
export class HttpRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpRequestError";
  }
}

/** What a request asks for, after parsing. */
export type ParsedRequest =
  | { kind: "single"; command: string[] }
  | { kind: "pipeline"; commands: string[][] }
  | { kind: "transaction"; commands: string[][] };

/** True when the request carries `token` as `Authorization: Bearer <token>` or as the `_token` query parameter. */
export function isAuthorized(request: IncomingMessage, url: URL, token: string): boolean {
  const header = request.headers.authorization ?? "";
  const presented = header.toLowerCase().startsWith("bearer ")
    ? header.slice(7).trim()
    : url.searchParams.get("_token");
  if (presented === null || presented === "") return false;
  const expected = Buffer.from(token);
  const actual = Buffer.from(presented);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Reads the whole body, failing with 413 beyond maxBodyBytes. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > maxBodyBytes)
    throw new HttpRequestError(413, `ERR request body exceeds the ${maxBodyBytes} byte limit`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > maxBodyBytes)
      throw new HttpRequestError(413, `ERR request body exceeds the ${maxBodyBytes} byte limit`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function toArgument(value: unknown, position: number): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new HttpRequestError(400, `ERR invalid argument at position ${position}: expected a string, number or boolean`);
}

/** Validates one JSON command: a non-empty array of strings, numbers or booleans, converted to strings. */
export function toCommand(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new HttpRequestError(400, "ERR a command must be a non-empty JSON array");
  }
  return value.map((element, position) => toArgument(element, position));
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new HttpRequestError(400, "ERR request body is not valid JSON");
  }
}

function toCommandList(value: unknown): string[][] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new HttpRequestError(400, "ERR expected a non-empty JSON array of commands");
  }
  return value.map((command) => toCommand(command));
}

/**
 * Interprets method, path, query and body the way Upstash's REST API does:
 * `POST /` with a JSON command array; `POST /pipeline` and `POST /multi-exec` with an array of commands; otherwise the
 * path form `/cmd/arg1/arg2` (URL-decoded segments), where a non-empty POST/PUT body is appended as the last argument
 * and query parameters other than `_token` follow it (`?EX=100` → `EX 100`).
 */
export function parseRequest(method: string, url: URL, body: Buffer): ParsedRequest {
  const segments = url.pathname.split("/").filter((segment) => segment !== "");
  let decoded: string[];
  try {
    decoded = segments.map((segment) => decodeURIComponent(segment));
  } catch {
    throw new HttpRequestError(400, "ERR malformed URL encoding in path");
  }
  const hasBody = body.length > 0 && (method === "POST" || method === "PUT");
  if (decoded.length === 0) {
    if (!hasBody) throw new HttpRequestError(400, "ERR no command given");
    return { kind: "single", command: toCommand(parseJson(body)) };
  }
  if (decoded.length === 1 && hasBody && (decoded[0] === "pipeline" || decoded[0] === "multi-exec")) {
    const commands = toCommandList(parseJson(body));
    return decoded[0] === "pipeline" ? { kind: "pipeline", commands } : { kind: "transaction", commands };
  }
  const command = [...decoded];
  if (hasBody) command.push(body.toString("utf8"));
  for (const [name, value] of url.searchParams) {
    if (name === "_token") continue;
    command.push(name);
    if (value !== "") command.push(value);
  }
  return { kind: "single", command };
}
