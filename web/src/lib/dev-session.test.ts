import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jsonResponse, startHttpTestServer, type HttpTestServer } from "../testing/http-test-server";
import { createDevSession } from "./dev-session";

let server: HttpTestServer;
beforeAll(async () => {
  server = await startHttpTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

describe("dev session", () => {
  it("signs in once, reuses the token until shortly before it expires, then signs in again", async () => {
    let issued = 0;
    let clock = Date.parse("2026-11-26T10:00:00Z");
    server.respondWith(() => {
      issued += 1;
      return jsonResponse(200, {
        token: `token-${issued}`,
        expiresAt: new Date(clock + 600_000).toISOString(),
        clerkUserId: "local_dev_user",
      });
    });
    const session = createDevSession({ baseUrl: server.url, now: () => clock });
    const [first, concurrent] = await Promise.all([session.getToken(), session.getToken()]);
    expect([first, concurrent]).toEqual(["token-1", "token-1"]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: "POST", url: "/api/dev/sign-in" });
    clock += 580_000;
    expect(await session.getToken()).toBe("token-2");
  });

  it("answers null when local sign-in is not available (production, or Clerk configured)", async () => {
    server.respondWith(() =>
      jsonResponse(404, { error: { message: "No route", type: "not_found_error", param: null, code: "not_found" } }),
    );
    expect(await createDevSession({ baseUrl: server.url }).getToken()).toBeNull();
  });
});
