/**
 * The requests the benchmark sends: the same Chat Completions body to the gateway (`deepseek/deepseek-flash`, the
 * seeded omnizen key) and directly to the simulator's DeepSeek endpoint (`deepseek-flash`, the simulator's key).
 * The prompt is benchmark filler text, never user content.
 */
import { SIMULATOR_API_KEY } from "../provider-routes.ts";
import type { PreparedRequest } from "./http-client.ts";

/** Which way a request goes. */
export type RequestPath = "gateway" | "direct";

/** Small prompts (a sentence) or ~100 KB request bodies. */
export type BodySize = "small" | "large";

/** Approximate size of a `large` request body, in bytes. */
export const LARGE_BODY_BYTES = 100 * 1024;

/** Where the two paths go. */
export interface BenchTargets {
  /** The gateway's origin, e.g. http://127.0.0.1:40123. */
  gatewayUrl: string;
  /** The provider simulator's origin. */
  simulatorUrl: string;
  /** The seeded omnizen API key. */
  apiKey: string;
  /** The same-I/O floor worker's origin (plain workerd only). */
  ioFloorUrl?: string;
}

/** What to put in one request body. */
export interface BodyShape {
  size: BodySize;
  stream: boolean;
  /** Makes the prompt unique (cache misses); the same text for every request of the cache-hit phase. */
  promptTag: string;
  /** The simulator waits this long before answering (`[[sim stall_ms]]`), as a real model's latency would. */
  upstreamStallMs?: number;
}

const FILLER_WORDS = ["latency", "gateway", "budget", "workerd", "percentile", "keepalive", "upstream", "stream"];

/** JSON-safe filler of exactly `length` characters (words and spaces). */
export function fillerText(length: number): string {
  let text = "";
  for (let index = 0; text.length < length; index += 1) text += `${FILLER_WORDS[index % FILLER_WORDS.length]} `;
  return text.slice(0, length);
}

const largeFiller = fillerText(LARGE_BODY_BYTES - 200);

/** The JSON body for one request; only `model` differs between the two paths. */
export function chatBody(model: string, shape: BodyShape): Buffer {
  const stall = shape.upstreamStallMs ? ` [[sim stall_ms=${shape.upstreamStallMs}]]` : "";
  const instruction = `Benchmark request ${shape.promptTag}. Reply briefly.${stall}`;
  const content = shape.size === "large" ? `${instruction} ${largeFiller}` : instruction;
  const body: Record<string, unknown> = { model, temperature: 0, messages: [{ role: "user", content }] };
  if (shape.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return Buffer.from(JSON.stringify(body));
}

/**
 * `GET /healthz` of the gateway or of the simulator: no authentication, no upstream call, so the difference is what
 * the workerd hop itself costs (the floor under every gateway request).
 */
export function healthRequest(path: RequestPath, targets: BenchTargets): PreparedRequest {
  if (path === "direct") return { url: new URL("/healthz", targets.simulatorUrl), headers: {} };
  return { url: new URL("/healthz", targets.gatewayUrl), headers: { "cf-connecting-ip": "127.0.0.1" } };
}

/**
 * The same-I/O floor worker's request: the direct path's body (it forwards it to the simulator as is), sent to the
 * floor worker as the gateway request would be.
 */
export function ioFloorRequest(shape: BodyShape, targets: BenchTargets): PreparedRequest {
  if (!targets.ioFloorUrl) throw new Error("the same-I/O floor worker runs only on plain workerd");
  return {
    ...chatRequest("direct", shape, targets),
    url: new URL("/v1/chat/completions", targets.ioFloorUrl),
    headers: { "cf-connecting-ip": "127.0.0.1" },
  };
}

/** The prepared POST for `path`. */
export function chatRequest(path: RequestPath, shape: BodyShape, targets: BenchTargets): PreparedRequest {
  if (path === "gateway") {
    return {
      url: new URL("/v1/chat/completions", targets.gatewayUrl),
      // Cloudflare's edge sets CF-Connecting-IP on every request; the direct socket has no edge, so the client does.
      headers: { authorization: `Bearer ${targets.apiKey}`, "cf-connecting-ip": "127.0.0.1" },
      body: chatBody("deepseek/deepseek-flash", shape),
    };
  }
  return {
    url: new URL("/deepseek/chat/completions", targets.simulatorUrl),
    headers: { authorization: `Bearer ${SIMULATOR_API_KEY}` },
    body: chatBody("deepseek-flash", shape),
  };
}
