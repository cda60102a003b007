import { verifyToken } from "@clerk/backend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startClerkFake, type ClerkFake } from "./server.ts";
import { generateSessionKeyPair } from "./session-keys.ts";

// The fake Frontend API driven as clerk-js drives it (form bodies, `_method`, `__clerk_db_jwt`); its session tokens
// are checked with Clerk's own verifier and the public half of the key pair, as the worker checks them.
const keys = generateSessionKeyPair();
const secretKey = "sk_test_frontend_api_test";
const issuer = "https://omnizen-test.clerk.accounts.dev";
const page = "http://127.0.0.1:5173";
const email = "fapi@omnizen.test";
const password = "a test password";
let fake: ClerkFake;

/** The parts of Clerk's JSON these tests read. */
interface FapiBody {
  id?: string;
  jwt?: string;
  errors?: Array<{ code: string; meta?: { param_name?: string } }>;
  response?: { id?: string; status?: string; created_session_id?: string };
  client?: {
    sessions: Array<{ id: string; status: string; last_active_token: { jwt: string } }>;
  };
}

interface Answer {
  status: number;
  body: FapiBody;
}

async function fapi(path: string, form?: Record<string, string>, init: { headers?: Record<string, string> } = {}) {
  const url = new URL(path, fake.url);
  const response = await fetch(url, {
    method: form ? "POST" : "GET",
    headers: { origin: page, "content-type": "application/x-www-form-urlencoded", ...init.headers },
    ...(form && { body: new URLSearchParams(form).toString() }),
  });
  return { status: response.status, body: (await response.json()) as FapiBody } satisfies Answer;
}

async function devBrowser(): Promise<string> {
  const answer = await fapi("/v1/dev_browser", {});
  expect(answer.status).toBe(200);
  return answer.body.id ?? "";
}

async function claims(token: string) {
  return verifyToken(token, { jwtKey: keys.publicKeyPem, authorizedParties: [page] });
}

async function signedIn(): Promise<{ db: string; sessionId: string }> {
  const db = await devBrowser();
  const signIn = await fapi(`/v1/client/sign_ins?__clerk_db_jwt=${db}`, { identifier: email });
  const attempt = await fapi(
    `/v1/client/sign_ins/${signIn.body.response?.id}/attempt_first_factor?__clerk_db_jwt=${db}`,
    { strategy: "password", password },
  );
  return { db, sessionId: attempt.body.response?.created_session_id ?? "" };
}

beforeAll(async () => {
  fake = await startClerkFake({
    secretKey,
    frontendApi: { signingKeyPem: keys.privateKeyPem, issuer, proxySecretKey: secretKey },
  });
  const headers = { authorization: `Bearer ${secretKey}`, "content-type": "application/json" };
  await fetch(`${fake.url}/v1/email_addresses`, {
    method: "POST",
    headers,
    body: JSON.stringify({ user_id: "user_fapi", email_address: email, verified: true, primary: true }),
  });
  await fetch(`${fake.url}/v1/users/user_fapi`, { method: "PATCH", headers, body: JSON.stringify({ password }) });
});
afterAll(() => fake?.close());

describe("the fake Clerk Frontend API", () => {
  it("serves the environment, and refuses client calls without a dev browser", async () => {
    const environment = await fapi("/v1/environment");
    expect(environment.body).toMatchObject({
      object: "environment",
      display_config: { instance_environment_type: "development", preferred_sign_in_strategy: "password" },
      user_settings: { attributes: { email_address: { enabled: true, used_for_first_factor: true } } },
    });
    const refused = await fapi("/v1/client");
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.code).toBe("dev_browser_unauthenticated");
  });

  it("signs in with email and password, in Clerk's error shape when either is wrong", async () => {
    const db = await devBrowser();
    const unknown = await fapi(`/v1/client/sign_ins?__clerk_db_jwt=${db}`, { identifier: "nobody@omnizen.test" });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors?.[0]).toMatchObject({
      code: "form_identifier_not_found",
      meta: { param_name: "identifier" },
    });
    const signIn = await fapi(`/v1/client/sign_ins?__clerk_db_jwt=${db}`, { identifier: email });
    expect(signIn.body.response).toMatchObject({
      status: "needs_first_factor",
      supported_first_factors: [{ strategy: "password" }],
    });
    const attemptPath = `/v1/client/sign_ins/${signIn.body.response?.id}/attempt_first_factor?__clerk_db_jwt=${db}`;
    const wrong = await fapi(attemptPath, { strategy: "password", password: "not it" });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors?.[0]?.code).toBe("form_password_incorrect");
    const right = await fapi(attemptPath, { strategy: "password", password });
    expect(right.body.response?.status).toBe("complete");
    const session = right.body.client?.sessions[0];
    expect(session).toMatchObject({
      id: right.body.response?.created_session_id,
      status: "active",
      factor_verification_age: [0, -1],
    });
    expect((await claims(session?.last_active_token.jwt ?? "")).sub).toBe("user_fapi");
  });

  it("mints tokens the worker's verifier accepts, with the page as azp and the first factor's age as fva", async () => {
    const { db, sessionId } = await signedIn();
    const tokenPath = `/v1/client/sessions/${sessionId}/tokens?__clerk_db_jwt=${db}`;
    const fresh = await claims((await fapi(tokenPath, {})).body.jwt ?? "");
    expect(fresh).toMatchObject({ sub: "user_fapi", sid: sessionId, iss: issuer, azp: page, fva: [0, -1] });
    expect(fresh.exp - fresh.iat).toBe(60);

    await fetch(`${fake.url}/_fake/sessions/age?minutes=30`, { method: "POST" });
    expect((await claims((await fapi(tokenPath, {})).body.jwt ?? "")).fva).toEqual([30, -1]);
    // Reverification: the session's first factor again, and the next token is fresh.
    const verify = await fapi(`/v1/client/sessions/${sessionId}/verify?__clerk_db_jwt=${db}`, {
      level: "first_factor",
    });
    expect(verify.body.response).toMatchObject({ object: "session_verification", status: "needs_first_factor" });
    const verifyPath = `/v1/client/sessions/${sessionId}/verify/attempt_first_factor?__clerk_db_jwt=${db}`;
    expect((await fapi(verifyPath, { strategy: "password", password: "not it" })).status).toBe(422);
    const verified = await fapi(verifyPath, { strategy: "password", password });
    expect(verified.body.response?.status).toBe("complete");
    expect((await claims((await fapi(tokenPath, {})).body.jwt ?? "")).fva).toEqual([0, -1]);
  });

  it("signs out: the client lists no session and its session mints no token", async () => {
    const { db, sessionId } = await signedIn();
    const removed = await fapi(`/v1/client/sessions?_method=DELETE&__clerk_db_jwt=${db}`, {});
    expect(removed.body.response).toMatchObject({ object: "client", sessions: [], last_active_session_id: null });
    expect((await fapi(`/v1/client/sessions/${sessionId}/tokens?__clerk_db_jwt=${db}`, {})).status).toBe(404);
  });

  it("refuses a proxied request without the instance's secret key", async () => {
    const proxied = { "clerk-proxy-url": `${page}/__clerk` };
    expect((await fapi("/v1/environment", undefined, { headers: proxied })).status).toBe(401);
    const withKey = { ...proxied, "clerk-secret-key": secretKey };
    expect((await fapi("/v1/environment", undefined, { headers: withKey })).status).toBe(200);
  });
});
