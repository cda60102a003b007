/**
 * A fake of Clerk's Frontend API (FAPI) for one development instance, enough for the real clerk-js and @clerk/ui
 * (served here from node_modules, as Clerk's CDN path `/npm/@clerk/<package>@<version>/dist/<file>`) to load, sign in
 * with email address + password, mint session tokens, re-verify a session and sign out. clerk-js's side of the wire:
 * `core/fapiClient.ts` (form-encoded bodies, `_method` for PATCH and DELETE, `__clerk_db_jwt` naming the dev
 * browser of a `pk_test_` instance) and `core/resources/*.ts`.
 *
 * | Request                                                      | Answer                                         |
 * | ------------------------------------------------------------ | ---------------------------------------------- |
 * | `POST /v1/dev_browser`                                       | `{ object: "dev_browser", id }`                |
 * | `GET/PATCH /v1/environment`                                  | `EnvironmentJSON`                              |
 * | `GET/PUT/DELETE /v1/client`                                  | `{ response: ClientJSON }`                     |
 * | `POST /v1/client/sign_ins`, `.../{id}/attempt_first_factor`  | `{ response: SignInJSON, client }`, 422 errors |
 * | `POST /v1/client/sessions/{id}/touch`, `end`, `remove`       | `{ response: SessionJSON, client }`            |
 * | `POST /v1/client/sessions/{id}/tokens`                       | `{ object: "token", jwt }` (RS256, fresh `fva`) |
 * | `POST /v1/client/sessions/{id}/verify[/attempt_first_factor]`| `{ response: SessionVerificationJSON, client }` |
 * | `DELETE /v1/client/sessions`                                 | `{ response: ClientJSON }` (all signed out)    |
 *
 * Session tokens carry what the worker checks (worker/src/services/identity/session-token.ts): `sub`, `sid`, `iss`,
 * `azp` (the page's origin), `iat`/`nbf`/`exp` and `fva`, signed with the stack's session key pair.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { signSessionToken } from "../../worker/src/services/identity/dev-session.ts";
import { fakeId, type FakeUser } from "./clerk-users.ts";
import {
  clientJson,
  environmentJson,
  factorVerificationAge,
  sessionJson,
  sessionVerificationJson,
  signInJson,
  type FapiClient,
  type FapiSession,
  type FapiSessionVerification,
  type FapiSignIn,
} from "./frontend-json.ts";
import { FapiError, readForm, send, serveClerkScript } from "./frontend-http.ts";

export interface FrontendApiOptions {
  /** PKCS#8 PEM that signs session tokens (the private half of the worker's `CLERK_JWT_KEY`). */
  signingKeyPem: string;
  /** The tokens' `iss`: the instance's Frontend API URL (the worker's `CLERK_ISSUER`). */
  issuer: string;
  /** When set, a request forwarded by a Clerk proxy (`Clerk-Proxy-Url`) must carry this `Clerk-Secret-Key`. */
  proxySecretKey?: string;
  applicationName?: string;
  users: { byId(id: string): FakeUser | undefined; byEmail(email: string): FakeUser | undefined };
}

/** Session tokens live 60 s, as Clerk's do; clerk-js refreshes them before they expire. */
const TOKEN_TTL_SECONDS = 60;

export interface FrontendApi {
  /** True when `path` is the Frontend API's (or its scripts'); the caller then lets `handle` answer. */
  owns(path: string): boolean;
  /** Answers one request; resolves to the status sent. Throws `FapiError` for Clerk-shaped errors. */
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<number>;
  /** Tests: moves every session's first-factor verification `minutes` into the past (a stale `fva`). */
  ageSessions(minutes: number): void;
}

export function createFrontendApi(options: FrontendApiOptions): FrontendApi {
  const clients = new Map<string, FapiClient>();
  const verifications = new Map<string, FapiSessionVerification>();
  const byId = (id: string) => options.users.byId(id);

  const clientOf = (url: URL): FapiClient => {
    const devBrowser = url.searchParams.get("__clerk_db_jwt");
    if (!devBrowser) throw new FapiError(401, "dev_browser_unauthenticated");
    let client = clients.get(devBrowser);
    if (!client) {
      const now = Date.now();
      client = {
        id: fakeId("client"),
        sessions: [],
        signIn: null,
        lastActiveSessionId: null,
        createdAt: now,
        updatedAt: now,
      };
      clients.set(devBrowser, client);
    }
    return client;
  };
  const sessionOf = (client: FapiClient, id: string): FapiSession => {
    const session = client.sessions.find((entry) => entry.id === id && entry.status === "active");
    if (!session) throw new FapiError(404, "resource_not_found");
    return session;
  };
  const envelope = (client: FapiClient, resource: unknown) => ({
    response: resource,
    client: clientJson(client, byId, Date.now()),
  });

  function checkPassword(userId: string, password: string | null): void {
    const user = byId(userId);
    if (!user?.password || password !== user.password) throw new FapiError(422, "form_password_incorrect", "password");
  }

  async function attemptSignIn(
    client: FapiClient,
    signIn: FapiSignIn,
    form: URLSearchParams,
    request: IncomingMessage,
  ): Promise<void> {
    if (form.get("strategy") !== "password") throw new FapiError(422, "strategy_for_user_invalid", "strategy");
    try {
      checkPassword(signIn.userId, form.get("password"));
    } catch (error) {
      signIn.firstFactor = {
        strategy: "password",
        status: "failed",
        attempts: (signIn.firstFactor?.attempts ?? 0) + 1,
      };
      throw error;
    }
    const now = Date.now();
    const session: FapiSession = {
      id: fakeId("sess"),
      userId: signIn.userId,
      status: "active",
      createdAt: now,
      lastActiveAt: now,
      firstFactorVerifiedAt: now,
      lastActiveToken: null,
    };
    session.lastActiveToken = await mintToken(session, request);
    // Single-session mode: a new sign-in replaces the client's session.
    for (const previous of client.sessions) previous.status = "ended";
    client.sessions.push(session);
    client.lastActiveSessionId = session.id;
    signIn.firstFactor = {
      strategy: "password",
      status: "verified",
      attempts: (signIn.firstFactor?.attempts ?? 0) + 1,
    };
    signIn.status = "complete";
    signIn.createdSessionId = session.id;
  }

  /** `azp`: the page's origin, from `Origin` (sent with POSTs) or else `Referer` (same-origin GETs). */
  function pageOrigin(request: IncomingMessage): string {
    if (typeof request.headers.origin === "string") return request.headers.origin;
    try {
      return new URL(request.headers.referer ?? "").origin;
    } catch {
      return "";
    }
  }

  async function mintToken(session: FapiSession, request: IncomingMessage): Promise<string> {
    const now = new Date();
    const minted = await signSessionToken(options.signingKeyPem, {
      clerkUserId: session.userId,
      authorizedParty: pageOrigin(request),
      issuer: options.issuer,
      sessionId: session.id,
      firstFactorAgeMinutes: factorVerificationAge(session, now.getTime())[0],
      ttlSeconds: TOKEN_TTL_SECONDS,
      now,
    });
    return minted.token;
  }

  async function clientRoute(method: string, path: string, url: URL, request: IncomingMessage): Promise<unknown> {
    const client = clientOf(url);
    const form = method === "GET" ? new URLSearchParams() : await readForm(request);
    const now = Date.now();
    client.updatedAt = now;
    // Every answer carries the client, whose sessions carry a fresh token (their claims are the SPA's auth state).
    for (const session of client.sessions)
      if (session.status === "active") session.lastActiveToken = await mintToken(session, request);
    if (path === "/v1/client") {
      if (method === "DELETE") for (const session of client.sessions) session.status = "ended";
      return { response: clientJson(client, byId, now), client: null };
    }
    if (path === "/v1/client/sessions" && method === "DELETE") {
      for (const session of client.sessions) session.status = "removed";
      return { response: clientJson(client, byId, now), client: null };
    }
    if (path === "/v1/client/sign_ins" && method === "POST") {
      const identifier = (form.get("identifier") ?? "").trim();
      const user = options.users.byEmail(identifier);
      if (!user) throw new FapiError(422, "form_identifier_not_found", "identifier");
      const signIn: FapiSignIn = {
        id: fakeId("sia"),
        identifier,
        userId: user.id,
        status: "needs_first_factor",
        firstFactor: null,
        createdSessionId: null,
        createdAt: now,
      };
      client.signIn = signIn;
      if (form.has("password")) await attemptSignIn(client, signIn, form, request);
      return envelope(client, signInJson(signIn, byId));
    }
    const signInPath = /^\/v1\/client\/sign_ins\/([^/]+)(?:\/(prepare_first_factor|attempt_first_factor))?$/.exec(path);
    if (signInPath) {
      const signIn = client.signIn;
      if (!signIn || signIn.id !== signInPath[1]) throw new FapiError(404, "resource_not_found");
      if (signInPath[2] === "attempt_first_factor") await attemptSignIn(client, signIn, form, request);
      return envelope(client, signInJson(signIn, byId));
    }
    const sessionPath =
      /^\/v1\/client\/sessions\/([^/]+)\/(touch|tokens|end|remove|verify|verify\/prepare_first_factor|verify\/attempt_first_factor)$/.exec(
        path,
      );
    if (sessionPath?.[1] && sessionPath[2] && method === "POST") {
      const session = sessionOf(client, sessionPath[1]);
      return sessionAction(client, session, sessionPath[2], form, request);
    }
    throw new FapiError(404, "resource_not_found");
  }

  async function sessionAction(
    client: FapiClient,
    session: FapiSession,
    action: string,
    form: URLSearchParams,
    request: IncomingMessage,
  ): Promise<unknown> {
    const now = Date.now();
    switch (action) {
      case "touch":
        session.lastActiveAt = now;
        client.lastActiveSessionId = session.id;
        return envelope(client, sessionJson(session, byId, now));
      case "tokens":
        return { object: "token", jwt: session.lastActiveToken };
      case "end":
      case "remove": {
        session.status = action === "end" ? "ended" : "removed";
        const json = sessionJson(session, byId, now);
        return envelope(client, json);
      }
      case "verify": {
        const level = form.get("level");
        const verification: FapiSessionVerification = {
          id: fakeId("sv"),
          sessionId: session.id,
          level: level === "second_factor" || level === "multi_factor" ? level : "first_factor",
          status: "needs_first_factor",
          firstFactor: null,
        };
        verifications.set(session.id, verification);
        return envelope(client, sessionVerificationJson(verification, session, byId, now));
      }
      default: {
        const verification = verifications.get(session.id);
        if (!verification) throw new FapiError(404, "resource_not_found");
        if (action === "verify/attempt_first_factor") {
          if (form.get("strategy") !== "password") throw new FapiError(422, "strategy_for_user_invalid", "strategy");
          checkPassword(session.userId, form.get("password"));
          session.firstFactorVerifiedAt = now;
          session.lastActiveToken = await mintToken(session, request);
          verification.status = "complete";
          verification.firstFactor = { strategy: "password", status: "verified", attempts: 1 };
        }
        return envelope(client, sessionVerificationJson(verification, session, byId, now));
      }
    }
  }

  return {
    owns: (path) =>
      path.startsWith("/npm/@clerk/") ||
      path === "/v1/dev_browser" ||
      path === "/v1/environment" ||
      path === "/v1/client" ||
      path.startsWith("/v1/client/"),
    ageSessions(minutes) {
      for (const client of clients.values())
        for (const session of client.sessions) session.firstFactorVerifiedAt -= minutes * 60_000;
    },
    async handle(request, response, url) {
      if (request.headers["clerk-proxy-url"] !== undefined && options.proxySecretKey !== undefined) {
        if (request.headers["clerk-secret-key"] !== options.proxySecretKey)
          throw new FapiError(401, "proxy_request_invalid");
      }
      const path = url.pathname;
      const script = /^\/npm\/@clerk\/(clerk-js|ui)@[\w.-]+\/dist\/([^/]+)$/.exec(path);
      if (script?.[1] && script[2]) return serveClerkScript(response, script[1], script[2]);
      const override = url.searchParams.get("_method");
      const method = (request.method === "POST" && override ? override : (request.method ?? "GET")).toUpperCase();
      if (path === "/v1/dev_browser" && method === "POST") {
        request.resume();
        send(response, 200, { object: "dev_browser", id: fakeId("dvb") });
        return 200;
      }
      if (path === "/v1/environment") {
        request.resume();
        send(response, 200, environmentJson(options.applicationName ?? "omnizen (local)"));
        return 200;
      }
      send(response, 200, await clientRoute(method, path, url, request));
      return 200;
    },
  };
}
