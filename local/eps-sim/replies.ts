/** The EPS simulator's small response helpers. */
import type { ServerResponse } from "node:http";
import { sendJson } from "../provider-sim/http-utils.ts";

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return null;
  }
}

export function reply(response: ServerResponse, status: number, body: unknown): number {
  sendJson(response, status, body);
  return status;
}

export function sendText(response: ServerResponse, status: number, contentType: string, text: string): number {
  response.writeHead(status, { "content-type": contentType, "content-length": String(Buffer.byteLength(text)) });
  response.end(text);
  return status;
}
