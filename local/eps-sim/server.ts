/**
 * The EPS simulator (issue 12): EPS's merchant API as the official samples (github.com/EPS-PG) call it, its hosted
 * payment page and its IPN, on one Node http server.
 * - `POST /v1/Auth/GetToken` (x-hash of userName) → `{ token, expireDate, errorMessage, errorCode }`;
 * - `POST /v1/EPSEngine/InitializeEPS` (Bearer token, x-hash of merchantTransactionId) →
 *   `{ TransactionId, RedirectURL, ErrorMessage, ErrorCode }`; an expired or unknown token is a 401;
 * - `GET /v1/EPSEngine/CheckMerchantTransactionStatus?merchantTransactionId=` (Bearer, x-hash of the id);
 * - `GET /pay/<EPS id>`: the payment page; its forms `POST /pay/<EPS id>` and the browser is sent (303) to the
 *   success, fail or cancel URL with `Status`, `MerchantTransactionId` and `EPSTransactionId`, while the IPN
 *   (`{ "Data": "IV:ciphertext" }`) goes to `ipnUrl` when one is configured.
 * Test controls under `/_sim/` (sim-controls.ts). Logs method, path and status only.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody, sendJson } from "../provider-sim/http-utils.ts";
import { encryptIpnPayload, epsHash } from "./eps-crypto.ts";
import { initializeOrder } from "./initialize.ts";
import { ipnPayload, OrderBook, statusView, type Order, type PaymentMethod } from "./orders.ts";
import { paymentPage } from "./payment-page.ts";
import { parseJson, reply, sendText } from "./replies.ts";
import { simControl, type SimCounters } from "./sim-controls.ts";

export interface EpsCredentials {
  userName: string;
  password: string;
  hashKey: string;
  merchantId: string;
  storeId: string;
  /** The IPN "Secret Key" the payload is encrypted with. */
  ipnSecret: string;
}

export interface EpsSimulatorOptions {
  port?: number;
  host?: string;
  credentials: EpsCredentials;
  /** Where the IPN is POSTed (the gateway's `/webhooks/eps`); unset: built and kept for `/_sim/.../ipn` only. */
  ipnUrl?: string;
  /** Lifetime of a token (default 60 minutes). */
  tokenTtlMs?: number;
  log?: (line: string) => void;
}

export interface EpsSimulator {
  url: string;
  credentials: EpsCredentials;
  close(): Promise<void>;
}

/** Random credentials for one run (the worker gets the same values as EPS_* bindings). */
export function generateEpsCredentials(): EpsCredentials {
  return {
    userName: `merchant-${randomBytes(4).toString("hex")}@eps.test`,
    password: randomBytes(12).toString("base64url"),
    hashKey: `${randomBytes(21).toString("base64")}=`,
    merchantId: crypto.randomUUID(),
    storeId: crypto.randomUUID(),
    ipnSecret: randomBytes(24).toString("base64url"),
  };
}

export async function startEpsSimulator(options: EpsSimulatorOptions): Promise<EpsSimulator> {
  const { credentials } = options;
  const log = options.log ?? (() => {});
  const tokenTtlMs = options.tokenTtlMs ?? 60 * 60 * 1000;
  const tokens = new Map<string, number>();
  const orders = new OrderBook();
  const counters: SimCounters = { getToken: 0, unauthorized: 0, initialize: 0, status: 0, ipnDelivered: 0 };
  const faults = { refuseNextInitialize: false };
  let baseUrl = "";

  const bearerValid = (request: IncomingMessage): boolean => {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "";
    const expiresAt = tokens.get(token);
    return expiresAt !== undefined && expiresAt > Date.now();
  };
  const hashValid = (request: IncomingMessage, value: string) =>
    request.headers["x-hash"] === epsHash(value, credentials.hashKey);

  async function deliverIpn(order: Order): Promise<number | null> {
    order.ipnBody = JSON.stringify({ Data: encryptIpnPayload(ipnPayload(order), credentials.ipnSecret) });
    if (!options.ipnUrl) return null;
    try {
      const response = await fetch(options.ipnUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: order.ipnBody,
      });
      await response.arrayBuffer();
      counters.ipnDelivered += 1;
      log(`IPN POST ${new URL(options.ipnUrl).pathname} status=${response.status}`);
      return response.status;
    } catch {
      log(`IPN POST ${new URL(options.ipnUrl).pathname} status=unreachable`);
      return null;
    }
  }

  function settle(order: Order, outcome: string, method: PaymentMethod): void {
    order.method = method;
    order.status =
      outcome === "pay" ? (order.delayed ? "Processing" : "Success") : outcome === "fail" ? "Failed" : "Cancelled";
    order.transactionDate = new Date().toISOString();
    if (order.status !== "Processing") void deliverIpn(order);
  }

  function returnUrl(order: Order): string {
    const target =
      order.status === "Failed" ? order.failUrl : order.status === "Cancelled" ? order.cancelUrl : order.successUrl;
    const url = new URL(target);
    url.searchParams.set("Status", order.status);
    url.searchParams.set("MerchantTransactionId", order.merchantTransactionId);
    url.searchParams.set("EPSTransactionId", order.epsTransactionId);
    return url.toString();
  }

  async function route(request: IncomingMessage, response: ServerResponse, url: URL): Promise<number> {
    const method = request.method ?? "GET";
    const body = await readBody(request);
    if (method === "GET" && url.pathname === "/healthz") return reply(response, 200, { ok: true });

    if (method === "POST" && url.pathname === "/v1/Auth/GetToken") {
      counters.getToken += 1;
      const input = parseJson(body) as { userName?: unknown; password?: unknown } | null;
      const userName = typeof input?.userName === "string" ? input.userName : "";
      if (
        !hashValid(request, userName) ||
        userName !== credentials.userName ||
        input?.password !== credentials.password
      ) {
        sendJson(response, 401, {
          token: null,
          expireDate: null,
          errorMessage: "Invalid credentials or x-hash",
          errorCode: "401",
        });
        return 401;
      }
      const token = randomBytes(24).toString("base64url");
      const expiresAt = Date.now() + tokenTtlMs;
      tokens.set(token, expiresAt);
      sendJson(response, 200, {
        token,
        expireDate: new Date(expiresAt).toISOString(),
        errorMessage: null,
        errorCode: null,
      });
      return 200;
    }

    if (method === "POST" && url.pathname === "/v1/EPSEngine/InitializeEPS") {
      counters.initialize += 1;
      if (!bearerValid(request)) {
        counters.unauthorized += 1;
        sendJson(response, 401, {
          TransactionId: null,
          RedirectURL: null,
          ErrorMessage: "Unauthorized",
          ErrorCode: "401",
        });
        return 401;
      }
      const result = faults.refuseNextInitialize
        ? { ok: false as const, message: "Store is not active" }
        : initializeOrder(parseJson(body), credentials, orders, (id) => hashValid(request, id));
      faults.refuseNextInitialize = false;
      if (!result.ok) {
        sendJson(response, 400, {
          TransactionId: null,
          RedirectURL: null,
          ErrorMessage: result.message,
          ErrorCode: "400",
        });
        return 400;
      }
      const redirect = `${baseUrl}/pay/${result.order.epsTransactionId}`;
      sendJson(response, 200, {
        TransactionId: result.order.epsTransactionId,
        RedirectURL: redirect,
        ErrorMessage: null,
        ErrorCode: null,
      });
      return 200;
    }

    if (method === "GET" && url.pathname === "/v1/EPSEngine/CheckMerchantTransactionStatus") {
      counters.status += 1;
      if (!bearerValid(request)) {
        counters.unauthorized += 1;
        sendJson(response, 401, { ErrorMessage: "Unauthorized", ErrorCode: "401" });
        return 401;
      }
      const id = url.searchParams.get("merchantTransactionId") ?? "";
      if (!hashValid(request, id)) return reply(response, 400, { ErrorMessage: "Invalid x-hash", ErrorCode: "400" });
      const order = orders.byMerchant(id);
      if (!order) return reply(response, 404, { ErrorMessage: "Transaction not found", ErrorCode: "404" });
      sendJson(response, 200, statusView(order));
      return 200;
    }

    const pay = /^\/pay\/([A-Z0-9]+)$/.exec(url.pathname);
    if (pay) {
      const order = orders.byEps(pay[1] ?? "");
      if (!order) return sendText(response, 404, "text/plain", "Unknown payment");
      if (method === "GET") return sendText(response, 200, "text/html; charset=utf-8", paymentPage(order));
      const form = new URLSearchParams(body.toString("utf8"));
      const chosen = form.get("method");
      const outcome = form.get("outcome") ?? "";
      if (method !== "POST" || order.status !== "Initiated")
        return sendText(response, 409, "text/plain", "Already paid or closed");
      if (
        (chosen !== "bkash" && chosen !== "nagad" && chosen !== "card") ||
        !["pay", "fail", "cancel"].includes(outcome)
      )
        return sendText(response, 400, "text/plain", "Choose a method and an outcome");
      settle(order, outcome, chosen);
      response.writeHead(303, { location: returnUrl(order) }).end();
      return 303;
    }

    if (url.pathname.startsWith("/_sim/"))
      return simControl({ orders, tokens, counters, faults, deliverIpn }, method, url, body, response);
    return reply(response, 404, { ErrorMessage: "Not found", ErrorCode: "404" });
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://eps-sim.local");
    route(request, response, url)
      .then((status) => log(`${request.method} ${url.pathname} status=${status}`))
      .catch(() => {
        if (!response.headersSent) sendJson(response, 500, { ErrorMessage: "simulator error", ErrorCode: "500" });
        log(`${request.method} ${url.pathname} status=500`);
      });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  baseUrl = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    credentials,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The worker's EPS_* bindings for a running simulator (docs/configuration.md). */
export function epsBindings(simulator: EpsSimulator): Record<string, string> {
  const { credentials } = simulator;
  return {
    EPS_BASE_URL: simulator.url,
    EPS_USERNAME: credentials.userName,
    EPS_PASSWORD: credentials.password,
    EPS_HASH_KEY: credentials.hashKey,
    EPS_MERCHANT_ID: credentials.merchantId,
    EPS_STORE_ID: credentials.storeId,
    EPS_IPN_SECRET: credentials.ipnSecret,
  };
}
