/**
 * The cold app (docs/cold-start.md): `/api/*` and `/webhooks/*` are served by worker/src/cold-app.ts, imported on
 * first use, in the same frame as the gateway: the same error shape, one request id per answer, and nothing else
 * routed there by a look-alike prefix.
 */
import { describe, expect, it } from "vitest";
import { errorBodySchema } from "../src/contracts/error-api.ts";
import { expectContract } from "./support/contract.ts";
import { gatewayFetch } from "./support/gateway.ts";

async function expectNotFound(response: Response, method: string, path: string): Promise<void> {
  expect(response.status).toBe(404);
  expect(response.headers.get("x-request-id")).toMatch(/^req_[^,\s]+$/);
  const body = expectContract(errorBodySchema, await response.json());
  expect(body.error).toMatchObject({ code: "not_found", message: `No route for ${method} ${path}.` });
}

describe("the cold app behind /api and /webhooks", () => {
  it("runs the dashboard's session check on /api (the cold app's middleware, not the gateway's key check)", async () => {
    for (const path of ["/api/account", "/api"]) {
      const response = await gatewayFetch(path);
      expect(response.status, path).toBe(401);
      expect(response.headers.get("x-request-id")).toMatch(/^req_[^,\s]+$/);
      const body = expectContract(errorBodySchema, await response.json());
      expect(body.error.code).toBe("unauthorized_session");
    }
  });

  it("answers an unknown webhook in the OpenAI error shape, with one request id", async () => {
    await expectNotFound(await gatewayFetch("/webhooks/unknown", { method: "POST" }), "POST", "/webhooks/unknown");
  });

  it("leaves look-alike prefixes to the gateway", async () => {
    await expectNotFound(await gatewayFetch("/apiary"), "GET", "/apiary");
    await expectNotFound(await gatewayFetch("/webhooksx/stripe", { method: "POST" }), "POST", "/webhooksx/stripe");
  });

  it("answers the same cold path twice in a row (the loaded app is kept)", async () => {
    const first = await gatewayFetch("/api/account");
    const second = await gatewayFetch("/api/account");
    expect([first.status, second.status]).toEqual([401, 401]);
    expect(first.headers.get("x-request-id")).not.toBe(second.headers.get("x-request-id"));
  });
});
