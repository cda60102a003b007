/**
 * The billing calls of lib/api-client.ts against a real HTTP server: methods, paths and bodies as the worker's
 * routes expect them (routes/api/billing.ts and the providers' checkout routes), and a refused checkout as an
 * ApiError the page can tell apart (404 / 503).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiClient } from "../../../lib/api-client";
import { ApiError } from "../../../lib/api-error";
import { jsonResponse, startHttpTestServer, type HttpTestServer } from "../../../testing/http-test-server";

let server: HttpTestServer;
beforeAll(async () => {
  server = await startHttpTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

const client = () => createApiClient({ baseUrl: server.url, getToken: () => "t" });

describe("billing calls", () => {
  it("PUTs the auto top-up settings as JSON", async () => {
    server.respondWith(() => jsonResponse(200, { balanceMicroUsd: 1 }));
    await client().saveAutoTopup({ enabled: true, thresholdMicroUsd: 5_000_000, packId: "pack-10" });
    const [request] = server.requests;
    expect(request?.method).toBe("PUT");
    expect(request?.url).toBe("/api/billing/auto-topup");
    expect(JSON.parse(request?.body ?? "")).toEqual({ enabled: true, thresholdMicroUsd: 5_000_000, packId: "pack-10" });
  });

  it("POSTs a checkout to the chosen provider's route", async () => {
    const answer = { url: "https://pay.example/x", paymentId: crypto.randomUUID(), merchantReference: "omz_1" };
    server.respondWith(() => jsonResponse(200, answer));
    expect(await client().startCheckout("eps", { kind: "pack", productId: "pack-10" })).toEqual(answer);
    expect(server.requests[0]?.method).toBe("POST");
    expect(server.requests[0]?.url).toBe("/api/billing/eps/checkout");
    expect(JSON.parse(server.requests[0]?.body ?? "")).toEqual({ kind: "pack", productId: "pack-10" });
  });

  it("reads one payment with its id escaped, and the subscription changes", async () => {
    server.respondWith(() => jsonResponse(200, { subscription: null }));
    await client().getPayment("a/b");
    await client().changeSubscription("resume");
    await client().changePlan({ plan: "team" });
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      "GET /api/billing/payments/a%2Fb",
      "POST /api/billing/subscription/resume",
      "POST /api/billing/subscription/change",
    ]);
    expect(JSON.parse(server.requests[2]?.body ?? "")).toEqual({ plan: "team" });
  });

  it("turns an unconfigured provider's 503 into an ApiError with its status", async () => {
    server.respondWith(() =>
      jsonResponse(503, {
        error: { message: "Stripe is not configured.", type: "api_error", param: null, code: "service_not_configured" },
      }),
    );
    const error = await client()
      .startCheckout("stripe", { kind: "plan", productId: "pro" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect((error as ApiError).code).toBe("service_not_configured");
  });
});
