/**
 * A Stripe API simulator for local development and tests, reached by the official `stripe` SDK through its
 * `host` / `port` / `protocol` options. Real wire format: form-encoded requests, Stripe's JSON objects and error shape,
 * `Authorization: Bearer <secret key>`, `Idempotency-Key` honoured (a replay answers the first response with
 * `Idempotent-Replayed: true`; the same key with other parameters is a 400 `idempotency_error`), any `Stripe-Version`
 * accepted. Webhooks are signed as Stripe signs them (webhooks.ts). Hosted pages: hosted-pages.ts. Test controls
 * under `/_sim/` (sim-controls.ts). Logs method, path and status only.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { API_ROUTES } from "./api-routes.ts";
import { decodeFormBody, type FormObject } from "./form-body.ts";
import { SIM_API_VERSION } from "./objects.ts";
import { handleHostedPage } from "./hosted-routes.ts";
import { SIM_CONTROL_ROUTES } from "./sim-controls.ts";
import { StripeSimError, StripeState } from "./state.ts";
import { createWebhookSender } from "./webhooks.ts";

export interface StripeSimOptions {
  /** The secret key the simulator accepts (`STRIPE_SECRET_KEY` of the worker). */
  secretKey: string;
  /** The `whsec_…` secret webhooks are signed with (`STRIPE_WEBHOOK_SECRET` of the worker). */
  webhookSecret: string;
  /** Where webhooks are POSTed; without it they wait in the outbox (`POST /_sim/outbox/take`). */
  webhookUrl?: string | null;
  port?: number;
  log?: (line: string) => void;
}

export interface StripeSim {
  url: string;
  port: number;
  state: StripeState;
  close(): Promise<void>;
}

interface StoredResponse {
  fingerprint: string;
  status: number;
  body: string;
}

/** Replays are kept for this many keys (Stripe keeps them 24 hours). */
const MAX_IDEMPOTENCY_KEYS = 10_000;

export async function startStripeSim(options: StripeSimOptions): Promise<StripeSim> {
  const log = options.log ?? (() => undefined);
  let baseUrl = "";
  const webhooks = createWebhookSender({ secret: options.webhookSecret, endpoint: options.webhookUrl ?? null, log });
  const state = new StripeState(webhooks, () => baseUrl);
  const idempotent = new Map<string, StoredResponse>();

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const known = error instanceof StripeSimError ? error : new StripeSimError(500, "api_error", "Simulator error.");
      send(response, known.status, JSON.stringify(known.toJSON()));
    });
  });
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    response.on("finish", () => log(`${request.method ?? "?"} ${pathOf(request)} ${response.statusCode}`));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://sim");
    const method = request.method ?? "GET";
    const body = await readBody(request);
    if (url.pathname.startsWith("/pay/") || url.pathname.startsWith("/portal/")) {
      handleHostedPage(state, method, url, body, response);
      return;
    }
    if (url.pathname.startsWith("/_sim/")) {
      const route = matchRoute(SIM_CONTROL_ROUTES, method, url.pathname);
      const input = body === "" ? {} : (JSON.parse(body) as FormObject);
      send(response, 200, JSON.stringify(route.handler(state, route.params, input) ?? { ok: true }));
      return;
    }
    if (request.headers.authorization !== `Bearer ${options.secretKey}`) {
      throw new StripeSimError(401, "invalid_request_error", "Invalid API Key provided.", { code: "api_key_invalid" });
    }
    const route = matchRoute(API_ROUTES, method, url.pathname);
    const form = method === "GET" || method === "DELETE" ? decodeFormBody(url.search.slice(1)) : decodeFormBody(body);
    const key = request.headers["idempotency-key"];
    if (typeof key !== "string" || method !== "POST") {
      send(response, 200, JSON.stringify(route.handler(state, route.params, form)));
      return;
    }
    const fingerprint = createHash("sha256").update(`${method} ${url.pathname}\n${body}`).digest("hex");
    const stored = idempotent.get(key);
    if (stored) {
      if (stored.fingerprint !== fingerprint)
        throw new StripeSimError(
          400,
          "idempotency_error",
          "Keys for idempotent requests can only be used with the same parameters they were first used with.",
        );
      send(response, stored.status, stored.body, { "idempotent-replayed": "true" });
      return;
    }
    let status = 200;
    let text: string;
    try {
      text = JSON.stringify(route.handler(state, route.params, form));
    } catch (error) {
      if (!(error instanceof StripeSimError) || error.status >= 500) throw error;
      status = error.status;
      text = JSON.stringify(error.toJSON());
    }
    idempotent.set(key, { fingerprint, status, body: text });
    if (idempotent.size > MAX_IDEMPOTENCY_KEYS) idempotent.delete(idempotent.keys().next().value ?? "");
    send(response, status, text);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  log(`stripe simulator on ${baseUrl}`);
  return {
    url: baseUrl,
    port,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function matchRoute<H>(
  routes: ReadonlyArray<[string, RegExp, H]>,
  method: string,
  path: string,
): { handler: H; params: string[] } {
  for (const [routeMethod, pattern, handler] of routes) {
    const match = pattern.exec(path);
    if (match && routeMethod === method) return { handler, params: match.slice(1) };
  }
  throw new StripeSimError(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}).`);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    "content-type": "application/json",
    "request-id": `req_${Math.random().toString(36).slice(2, 14)}`,
    "stripe-version": SIM_API_VERSION,
    ...headers,
  });
  response.end(body);
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? "/").split("?", 1)[0] ?? "/";
}
