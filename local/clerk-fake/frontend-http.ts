/**
 * The fake Frontend API's HTTP pieces: Clerk's error shape, clerk-js's form-encoded bodies, JSON answers, and the
 * clerk-js and @clerk/ui scripts served from node_modules.
 */
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { fakeId } from "./clerk-users.ts";

export class FapiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly paramName?: string,
  ) {
    super(code);
  }
}

/** Clerk's error body: `{ errors: [{ code, message, long_message, meta }], clerk_trace_id }`. */
export function fapiErrorBody(error: FapiError) {
  return {
    errors: [
      {
        code: error.code,
        message: error.code,
        long_message: error.code,
        meta: error.paramName ? { param_name: error.paramName } : {},
      },
    ],
    clerk_trace_id: fakeId("trace"),
  };
}

const scriptDirs: Record<string, string> = {
  "clerk-js": fileURLToPath(new URL("../../node_modules/@clerk/clerk-js/dist/", import.meta.url)),
  ui: fileURLToPath(new URL("../../node_modules/@clerk/ui/dist/", import.meta.url)),
};

export async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

export function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  response.end(JSON.stringify(body));
}

/** A file of clerk-js's or @clerk/ui's `dist/`, at Clerk's CDN path `/npm/@clerk/<package>@<version>/dist/<file>`. */
export async function serveClerkScript(response: ServerResponse, packageName: string, file: string): Promise<number> {
  const dir = scriptDirs[packageName];
  if (!dir || !/^[\w.-]+\.js$/.test(file)) throw new FapiError(404, "resource_not_found");
  let body: Buffer;
  try {
    body = await readFile(`${dir}${file}`);
  } catch {
    throw new FapiError(404, "resource_not_found");
  }
  response.writeHead(200, {
    "content-type": "application/javascript; charset=utf-8",
    "cache-control": "public, max-age=300",
  });
  response.end(body);
  return 200;
}
