/**
 * Property-based fuzzing of every public endpoint (docs/testing.md) with fast-check: malformed JSON, wrong types,
 * huge and deep values, odd encodings (BOM, UTF-16, invalid UTF-8, NUL), bad headers (content type, a declared length
 * that does not match, content encoding, odd credentials), with valid and invalid keys and session tokens, and
 * unsigned, badly signed and validly signed malformed webhooks. Every answer must come within a deadline, never be a
 * 5xx, and every 4xx must be in its surface's own error shape.
 *
 * `npm test` runs a short pass (SHORT_RUNS cases); `npm run fuzz` a long one (OMNIZEN_FUZZ_RUNS, default 5000;
 * OMNIZEN_FUZZ_SEED replays a reported seed).
 */
import { SELF } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { GATEWAY, seedAccount } from "./support/gateway.ts";
import { seedDashboardUser, svixHeaders, type DashboardUser } from "./support/dashboard.ts";
import { bodyText, contentHeaders, credentialHeaders, encodedBody, validBody } from "./support/fuzz-arbitraries.ts";

const SHORT_RUNS = 320;
const { runs: configuredRuns, seed: configuredSeed } = inject("fuzz");
const TOTAL_RUNS = configuredRuns || SHORT_RUNS;
/** Generous on a loaded 2-core machine: a hang is minutes, not seconds. */
const RESPONSE_DEADLINE_MS = 20_000;

type Shape = "openai" | "anthropic";

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
  declaredLength: "exact" | "shorter" | "longer" | "none" | "garbage";
}

/** Sends one case and checks the answer; resolves with the status. */
async function check(request: FuzzRequest, shape: Shape): Promise<number> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) if (value !== "") headers.set(name, value);
  if (request.body && request.declaredLength !== "none") {
    const length = request.body.length;
    headers.set(
      "content-length",
      request.declaredLength === "exact"
        ? String(length)
        : request.declaredLength === "shorter"
          ? String(Math.max(0, length - 3))
          : request.declaredLength === "longer"
            ? String(length + 100)
            : "12abc",
    );
  }
  const withBody = request.body !== null && request.method !== "GET" && request.method !== "HEAD";
  let outgoing: Request;
  try {
    outgoing = new Request(`${GATEWAY}${request.path}`, {
      method: request.method,
      headers,
      ...(withBody && { body: request.body }),
    });
  } catch {
    return -1; // Not a request a client can send at all (e.g. a header fetch forbids).
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`no complete answer within ${RESPONSE_DEADLINE_MS} ms: ${request.method} ${request.path}`)),
      RESPONSE_DEADLINE_MS,
    );
  });
  try {
    const { response, text } = await Promise.race([
      SELF.fetch(outgoing).then(async (response) => ({ response, text: await response.text() })),
      deadline,
    ]);
    expect(response.status, `${request.method} ${request.path} answered ${response.status}`).toBeLessThan(500);
    if (response.status >= 400 && request.method !== "HEAD")
      expectErrorShape(text, shape, `${request.method} ${request.path} ${response.status}`);
    return response.status;
  } finally {
    clearTimeout(timer);
  }
}

function expectErrorShape(text: string, shape: Shape, what: string): void {
  let body: unknown;
  expect(() => (body = JSON.parse(text)), `${what}: the error is JSON`).not.toThrow();
  if (shape === "openai") {
    expect(body, what).toEqual({
      error: {
        message: expect.any(String),
        type: expect.any(String),
        param: expect.toSatisfy((value) => value === null || typeof value === "string"),
        code: expect.toSatisfy((value) => value === null || typeof value === "string"),
      },
    });
  } else {
    expect(body, what).toEqual({
      type: "error",
      error: { type: expect.any(String), message: expect.any(String) },
      request_id: expect.stringMatching(/^req_/),
    });
  }
}

/** Mostly the endpoint's own method, sometimes another. */
const method = (usual: string) =>
  fc.oneof(
    { weight: 9, arbitrary: fc.constant(usual) },
    { weight: 1, arbitrary: fc.constantFrom("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "POST") },
  );

function runsFor(share: number): number {
  return Math.max(5, Math.round(TOTAL_RUNS * share));
}

/**
 * Runs the property and returns how often each status answered (printed as counts only), so a run that never got past
 * the key check or the parser shows.
 */
async function assertProperty<T>(
  arbitrary: fc.Arbitrary<T>,
  share: number,
  predicate: (value: T) => Promise<number>,
  examples: T[] = [],
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      const status = await predicate(value);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }),
    // The examples (a valid request) run first: the coverage check below does not depend on luck.
    {
      numRuns: runsFor(share),
      ...(configuredSeed && { seed: configuredSeed }),
      endOnFailure: true,
      examples: examples.map((example): [T] => [example]),
    },
  );
  console.log(`fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
  return statuses;
}

/** The run reached past authentication and parsing: some answers succeeded, some were refused by validation. */
function expectCoverage(statuses: Map<number, number>, expected: number[]): void {
  for (const status of expected) expect(statuses.get(status) ?? 0, `no ${status} answer in the run`).toBeGreaterThan(0);
}

/** Time allowed for a property: SHORT_RUNS take well under a minute; the long run scales. */
const timeoutFor = (share: number) => Math.max(120_000, runsFor(share) * 1_000);

describe(`fuzzing the public endpoints (${TOTAL_RUNS} cases)`, () => {
  let apiKey = "";
  const dashboardUsers: DashboardUser[] = [];
  let dashboardCases = 0;

  beforeAll(async () => {
    ({ apiKey } = await seedAccount({ creditMicroUsd: 1_000_000_000 }));
  });

  /** A fresh dashboard user every 40 cases, so the per-account general budget (120/min) is rarely what answers. */
  async function dashboardUser(): Promise<DashboardUser> {
    if (dashboardCases++ % 40 === 0 || dashboardUsers.length === 0) dashboardUsers.push(await seedDashboardUser());
    return dashboardUsers.at(-1)!;
  }

  const v1Endpoints = [
    { path: "/v1/chat/completions", kind: "chat", shape: "openai", share: 0.22 },
    { path: "/v1/messages", kind: "messages", shape: "anthropic", share: 0.2 },
    { path: "/v1/messages/count_tokens", kind: "count", shape: "anthropic", share: 0.1 },
    { path: "/v1/embeddings", kind: "embeddings", shape: "openai", share: 0.06 },
  ] as const;

  for (const endpoint of v1Endpoints) {
    it(
      `${endpoint.path}: never a 5xx or a hang, every error in the ${endpoint.shape} shape`,
      { timeout: timeoutFor(endpoint.share) },
      async () => {
        const arbitrary = fc.record({
          method: method("POST"),
          body: encodedBody(bodyText(validBody(endpoint.kind))),
          content: contentHeaders,
          credentials: fc.constant(null).chain(() => credentialHeaders(apiKey, "either")),
        });
        const valid = {
          method: "POST",
          body: new TextEncoder().encode(JSON.stringify(validBody(endpoint.kind))),
          content: { headers: {}, length: "exact" as const },
          credentials: { authorization: `Bearer ${apiKey}` },
        };
        const statuses = await assertProperty(
          arbitrary,
          endpoint.share,
          ({ method, body, content, credentials }) =>
            check(
              {
                method,
                path: endpoint.path,
                headers: { ...content.headers, ...credentials },
                body,
                declaredLength: content.length,
              },
              endpoint.shape,
            ),
          [valid],
        );
        expectCoverage(statuses, [200, 400, 401]);
      },
    );
  }

  it("/v1/models: never a 5xx or a hang, every error in the openai shape", { timeout: timeoutFor(0.06) }, async () => {
    const arbitrary = fc.record({
      method: method("GET"),
      query: fc.string({ maxLength: 30 }),
      content: contentHeaders,
      body: encodedBody(bodyText({})),
    });
    await assertProperty(arbitrary, 0.06, ({ method, query, content, body }) =>
      check(
        {
          method,
          path: `/v1/models${query ? `?${encodeURIComponent(query)}` : ""}`,
          headers: content.headers,
          body,
          declaredLength: content.length,
        },
        "openai",
      ),
    );
  });

  it(
    "/v1/generation: never a 5xx or a hang, every error in the openai shape",
    { timeout: timeoutFor(0.05) },
    async () => {
      const arbitrary = fc.record({
        method: method("GET"),
        id: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("", " ", "req_x", "x".repeat(250), "%00", "a&id=b")),
        content: contentHeaders,
        credentials: fc.constant(null).chain(() => credentialHeaders(apiKey, "either")),
      });
      const statuses = await assertProperty(arbitrary, 0.05, ({ method, id, content, credentials }) =>
        check(
          {
            method,
            path: `/v1/generation?id=${encodeURIComponent(id)}`,
            headers: { ...content.headers, ...credentials },
            body: null,
            declaredLength: content.length,
          },
          "openai",
        ),
      );
      expectCoverage(statuses, [404]);
    },
  );

  const apiRoutes = [
    { method: "GET", path: () => "/api/account", kind: null },
    { method: "PATCH", path: () => "/api/account", kind: "profile" },
    { method: "POST", path: () => "/api/account/confirm-age", kind: "profile" },
    { method: "GET", path: () => "/api/account/export", kind: null },
    { method: "DELETE", path: () => "/api/account", kind: "profile" },
    { method: "GET", path: () => "/api/keys", kind: null },
    { method: "POST", path: () => "/api/keys", kind: "key" },
    { method: "PATCH", path: (id: string) => `/api/keys/${id}`, kind: "key" },
    { method: "DELETE", path: (id: string) => `/api/keys/${id}`, kind: null },
    { method: "POST", path: () => "/api/dev/sign-in", kind: null },
    { method: "GET", path: () => "/api/billing", kind: null },
    { method: "GET", path: () => "/api/billing/catalog", kind: null },
    { method: "GET", path: () => "/api/billing/payments", kind: null },
    { method: "GET", path: (id: string) => `/api/billing/payments/${id}`, kind: null },
    { method: "PUT", path: () => "/api/billing/auto-topup", kind: null },
    { method: "GET", path: (id: string) => `/api/${id}`, kind: null },
  ] as const;

  it("/api/*: never a 5xx or a hang, every error in the openai shape", { timeout: timeoutFor(0.2) }, async () => {
    const arbitrary = fc.record({
      route: fc.constantFrom(...apiRoutes),
      id: fc.oneof(
        fc.uuid(),
        fc.string({ maxLength: 40 }).map(encodeURIComponent),
        fc.constantFrom("..", "%00", "%E0%A4%A", "a".repeat(3000)),
      ),
      method: fc.option(fc.constantFrom("GET", "PUT", "POST", "OPTIONS", "HEAD"), { freq: 9 }),
      body: fc.constantFrom("profile", "key", "webhook").chain((kind) => encodedBody(bodyText(validBody(kind)))),
      content: contentHeaders,
      tokenChoice: fc.nat(),
    });
    const statuses = await assertProperty(
      arbitrary,
      0.2,
      async ({ route, id, method, body, content, tokenChoice }) => {
        const user = await dashboardUser();
        // A negative choice (the examples only) is the user's good session token.
        const credentials =
          tokenChoice < 0
            ? { authorization: `Bearer ${user.token}` }
            : (fc.sample(credentialHeaders(user.token, "bearer"), { numRuns: 1, seed: tokenChoice })[0] ?? {});
        return check(
          {
            method: method ?? route.method,
            path: route.path(id),
            headers: { origin: "http://dashboard.test", ...content.headers, ...credentials },
            body,
            declaredLength: content.length,
          },
          "openai",
        );
      },
      [
        {
          route: apiRoutes[0],
          id: "x",
          method: null,
          body: new Uint8Array(),
          content: { headers: {}, length: "none" },
          tokenChoice: -1,
        },
        // A body the route refuses (auto top-up without its fields): a 400 in every run, whatever share of the many
        // routes the random cases happen to reach with a good token.
        {
          route: apiRoutes.find((route) => route.path("x") === "/api/billing/auto-topup") ?? apiRoutes[0],
          id: "x",
          method: null,
          body: new TextEncoder().encode("{}"),
          content: { headers: { "content-type": "application/json" }, length: "none" },
          tokenChoice: -1,
        },
      ],
    );
    expectCoverage(statuses, [200, 400, 401]);
  });

  it(
    "/webhooks/clerk: unsigned, badly signed and signed-but-malformed deliveries are never a 5xx",
    { timeout: timeoutFor(0.22) },
    async () => {
      const arbitrary = fc.record({
        method: method("POST"),
        path: fc.oneof(
          { weight: 8, arbitrary: fc.constant("/webhooks/clerk") },
          {
            weight: 1,
            arbitrary: fc.constantFrom("/webhooks/clerk/", "/webhooks/stripe", "/webhooks/", "/webhooks/clerk/x"),
          },
        ),
        text: bodyText(validBody("webhook")),
        signing: fc.oneof(
          { weight: 4, arbitrary: fc.constant("valid") },
          { weight: 5, arbitrary: fc.constantFrom("none", "wrong-secret", "stale", "other-body", "garbage-headers") },
        ),
        content: contentHeaders,
      });
      const statuses = await assertProperty(
        arbitrary,
        0.22,
        async ({ method, path, text, signing, content }) => {
          let signature: Record<string, string> = {};
          if (signing === "valid") signature = await svixHeaders(text);
          if (signing === "wrong-secret")
            signature = await svixHeaders(text, { secret: `whsec_${btoa("not the secret at all!!")}` });
          if (signing === "stale")
            signature = await svixHeaders(text, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
          if (signing === "other-body") signature = await svixHeaders(`${text} `);
          if (signing === "garbage-headers")
            signature = { "svix-id": "", "svix-timestamp": "soon", "svix-signature": "v1,!!!,v2" };
          // A signed body must be sent as signed: only the unsigned cases get odd encodings.
          const body = new TextEncoder().encode(text);
          return check(
            {
              method,
              path,
              headers: { ...content.headers, ...signature },
              body,
              declaredLength: signing === "valid" ? "exact" : content.length,
            },
            "openai",
          );
        },
        [
          {
            method: "POST",
            path: "/webhooks/clerk",
            text: JSON.stringify(validBody("webhook")),
            signing: "valid",
            content: { headers: {}, length: "exact" },
          },
        ],
      );
      expectCoverage(statuses, [200, 400]);
    },
  );
});
