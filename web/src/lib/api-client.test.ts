import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jsonResponse, startHttpTestServer, type HttpTestServer } from "../testing/http-test-server";
import { createApiClient } from "./api-client";
import { ApiError } from "./api-error";
import type { Account, CreatedApiKey, ModelList, UsageEventPage } from "./api-types";

let server: HttpTestServer;

beforeAll(async () => {
  server = await startHttpTestServer();
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.reset();
});

const account: Account = {
  id: "acct_1",
  name: "Ada",
  email: "ada@example.com",
  phone: null,
  plan: "free",
  planLimits: { requestsPerMinute: 20, tokensPerMinute: 100_000, concurrentRequests: 2 },
  balanceMicroUsd: 12_500_000,
  paymentStatus: "none",
  promptCacheEnabled: true,
  allowedJurisdictions: null,
  ageConfirmedAt: "2026-01-31T12:00:00.000Z",
  createdAt: "2026-01-31T12:00:00.000Z",
};

function clientWithToken(token: string | null) {
  return createApiClient({ baseUrl: server.url, getToken: () => token });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("Expected the promise to reject.");
}

describe("createApiClient: success", () => {
  it("GETs /api/account with the bearer token and returns the parsed body", async () => {
    server.respondWith(() => jsonResponse(200, account));

    const result = await clientWithToken("session-token").getAccount();

    expect(result).toEqual(account);
    const [request] = server.requests;
    expect(request?.method).toBe("GET");
    expect(request?.url).toBe("/api/account");
    expect(request?.headers.authorization).toBe("Bearer session-token");
    expect(request?.headers.accept).toBe("application/json");
  });

  it("awaits an async token getter", async () => {
    server.respondWith(() => jsonResponse(200, account));
    const client = createApiClient({ baseUrl: server.url, getToken: async () => "async-token" });

    await client.getAccount();

    expect(server.requests[0]?.headers.authorization).toBe("Bearer async-token");
  });

  it.each([null, undefined, ""])("sends no Authorization header when getToken returns %j", async (token) => {
    server.respondWith(() => jsonResponse(200, { object: "list", data: [] }));
    const client = createApiClient({ baseUrl: server.url, getToken: () => token });

    await client.getModels();

    expect(server.requests[0]?.url).toBe("/v1/models");
    expect(server.requests[0]?.headers).not.toHaveProperty("authorization");
  });

  it("POSTs /api/keys with a JSON body and returns the one-time secret", async () => {
    const created: CreatedApiKey = {
      id: "key_1",
      name: "laptop",
      prefix: "sk-omni-4f9a",
      createdAt: "2026-01-31T12:00:00.000Z",
      lastUsedAt: null,
      revokedAt: null,
      limits: { requestsPerMinute: null, tokensPerMinute: null, concurrentRequests: null },
      allowedJurisdictions: null,
      spendLimit: { amountMicroUsd: 5_000_000, period: "daily" },
      expiresAt: null,
      modelAliases: {},
      secret: "oz-4f9a-secret",
    };
    server.respondWith(() => jsonResponse(201, created));

    const result = await clientWithToken("t").createKey({ name: "laptop" });

    expect(result.secret).toBe("oz-4f9a-secret");
    const [request] = server.requests;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/api/keys");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({ name: "laptop" });
  });

  it("DELETEs /api/keys/:id with the id escaped", async () => {
    server.respondWith(() => jsonResponse(200, { id: "key/1", revokedAt: "2026-02-01T00:00:00.000Z" }));

    await clientWithToken("t").revokeKey("key/1");

    expect(server.requests[0]?.method).toBe("DELETE");
    expect(server.requests[0]?.url).toBe("/api/keys/key%2F1");
  });

  it("sends the usage filter and cursor as query parameters, omitting absent ones", async () => {
    const page: UsageEventPage = { data: [], nextCursor: null };
    server.respondWith(() => jsonResponse(200, page));
    const client = clientWithToken("t");

    await client.listUsageEvents({ from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", cursor: "c_2" });
    await client.listUsageEvents({ from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", model: null });

    const [withCursor, withoutCursor] = server.requests.map((request) => new URL(request.url, server.url));
    expect(withCursor?.pathname).toBe("/api/usage/events");
    expect(Object.fromEntries(withCursor?.searchParams ?? [])).toEqual({
      from: "2026-01-01T00:00:00Z",
      to: "2026-02-01T00:00:00Z",
      cursor: "c_2",
    });
    expect(withoutCursor?.searchParams.has("cursor")).toBe(false);
    expect(withoutCursor?.searchParams.has("model")).toBe(false);
  });

  it("hits the remaining endpoints with the right method and path", async () => {
    server.respondWith(() => jsonResponse(200, {}));
    const client = clientWithToken("t");

    await client.listKeys();
    await client.exportAccount();
    await client.deleteAccount({ confirm: "ada@example.com" });

    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      "GET /api/keys",
      "GET /api/account/export",
      "DELETE /api/account",
    ]);
    expect(JSON.parse(server.requests[2]?.body ?? "")).toEqual({ confirm: "ada@example.com" });
  });

  it("joins a base URL that ends in a slash", async () => {
    const models: ModelList = { object: "list", data: [] };
    server.respondWith(() => jsonResponse(200, models));
    const client = createApiClient({ baseUrl: `${server.url}/`, getToken: () => null });

    expect(await client.getModels()).toEqual(models);
    expect(server.requests[0]?.url).toBe("/v1/models");
  });
});

describe("createApiClient: errors", () => {
  it("turns an OpenAI-style error body into an ApiError with the request id", async () => {
    server.respondWith(() =>
      jsonResponse(
        401,
        {
          error: {
            message: "Your session has expired.",
            type: "authentication_error",
            param: null,
            code: "session_expired",
          },
        },
        { "x-request-id": "req_abc123" },
      ),
    );

    const error = await rejectionOf(clientWithToken("stale").getAccount());

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      name: "ApiError",
      status: 401,
      code: "session_expired",
      type: "authentication_error",
      param: null,
      message: "Your session has expired.",
      requestId: "req_abc123",
    });
  });

  it("keeps the status and request id when the error body is not JSON", async () => {
    server.respondWith(() => ({
      status: 502,
      headers: { "content-type": "text/html", "x-request-id": "req_gateway" },
      body: "<html>Bad Gateway</html>",
    }));

    const error = await rejectionOf(clientWithToken("t").listKeys());

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 502,
      code: null,
      message: "Request failed with status 502.",
      requestId: "req_gateway",
    });
  });

  it("has a null request id when the header is missing", async () => {
    server.respondWith(() =>
      jsonResponse(404, { error: { message: "Not found", type: null, param: null, code: null } }),
    );

    const error = await rejectionOf(clientWithToken("t").revokeKey("missing"));

    expect(error).toMatchObject({ status: 404, code: null, message: "Not found", requestId: null });
  });

  it("rejects a 2xx response that is not JSON", async () => {
    server.respondWith(() => ({ status: 200, headers: { "x-request-id": "req_html" }, body: "<html></html>" }));

    const error = await rejectionOf(clientWithToken("t").getAccount());

    expect(error).toMatchObject({ status: 200, code: "invalid_response", requestId: "req_html" });
  });

  it("reports an unreachable server as a network_error with status 0", async () => {
    const closedServer = await startHttpTestServer();
    await closedServer.close();
    const client = createApiClient({ baseUrl: closedServer.url, getToken: () => "t" });

    const error = await rejectionOf(client.getAccount());

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, code: "network_error", requestId: null });
  });

  it("lets the caller's abort through unchanged", async () => {
    server.respondWith(() => jsonResponse(200, account));

    const error = await rejectionOf(clientWithToken("t").getAccount({ signal: AbortSignal.abort() }));

    expect(error).not.toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ name: "AbortError" });
  });
});
