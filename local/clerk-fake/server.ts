/**
 * A fake of Clerk's Backend API for tests (`CLERK_API_URL` points at it), speaking the endpoints omnizen uses:
 * - `GET /v1/users/{id}`, `PATCH /v1/users/{id}` (`first_name`, `last_name`, `password`), `DELETE /v1/users/{id}`;
 * - `POST /v1/email_addresses`, `POST /v1/phone_numbers` (`user_id`, the value, `verified`, `primary`).
 * Users appear on first use. `/v1/*` needs `Authorization: Bearer <secretKey>` (401 otherwise). Errors use Clerk's
 * shape `{ errors: [{ code, message, long_message }] }`: an address already taken, or whose local part ends in
 * `+taken`, is a 422 `form_identifier_exists`.
 *
 * With `frontendApi`, the same server also answers Clerk's Frontend API for the same users (frontend-api.ts: the
 * browser's side, no secret key; `POST /_fake/sessions/age?minutes=<n>` makes every session's first-factor
 * verification that much older).
 *
 * Every Backend API request is recorded; `GET /_fake/requests?user=<id>` returns those about one user (path or
 * `user_id`), so tests can assert what the worker sent. It logs method, path and status only, never bodies.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  blankUser,
  emailJson,
  fakeId,
  phoneJson,
  userJson,
  type FakeIdentifier,
  type FakeUser,
} from "./clerk-users.ts";
import { createFrontendApi, type FrontendApiOptions } from "./frontend-api.ts";
import { fapiErrorBody, FapiError } from "./frontend-http.ts";

export interface ClerkFakeOptions {
  /** The secret key the fake accepts (`CLERK_SECRET_KEY` of the worker). */
  secretKey: string;
  port?: number;
  log?: (line: string) => void;
  /** Also serve the Frontend API (signing key and issuer of its session tokens). */
  frontendApi?: Omit<FrontendApiOptions, "users">;
}

export interface RecordedClerkRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface ClerkFake {
  url: string;
  requests(): RecordedClerkRequest[];
  close(): Promise<void>;
}

/** The oldest records are dropped beyond this, so a long run cannot grow without bound. */
const MAX_RECORDED = 2_000;

/** The Backend API's errors have the Frontend API's shape. */
const ClerkError = FapiError;

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return {};
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new ClerkError(400, "request_body_invalid");
  return parsed as Record<string, unknown>;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

export async function startClerkFake(options: ClerkFakeOptions): Promise<ClerkFake> {
  const log = options.log ?? (() => {});
  const users = new Map<string, FakeUser>();
  const deleted = new Set<string>();
  const recorded: RecordedClerkRequest[] = [];

  const userFor = (id: string): FakeUser => {
    if (deleted.has(id)) throw new ClerkError(404, "resource_not_found");
    let user = users.get(id);
    if (!user) {
      user = blankUser(id);
      users.set(id, user);
    }
    return user;
  };
  const frontendApi =
    options.frontendApi &&
    createFrontendApi({
      ...options.frontendApi,
      users: {
        byId: (id) => (deleted.has(id) ? undefined : users.get(id)),
        byEmail: (email) =>
          [...users.values()].find((user) =>
            user.emails.some((entry) => entry.verified && entry.value.toLowerCase() === email.toLowerCase()),
          ),
      },
    });
  const taken = (value: string, pick: (user: FakeUser) => FakeIdentifier[]) =>
    /\+taken@/.test(value) ||
    [...users.values()].some((user) => pick(user).some((identifier) => identifier.value === value));

  function addIdentifier(body: Record<string, unknown>, field: "email_address" | "phone_number"): FakeIdentifier {
    const value = body[field];
    if (typeof body.user_id !== "string" || typeof value !== "string") throw new ClerkError(422, "form_param_missing");
    const user = userFor(body.user_id);
    const pick = field === "email_address" ? (entry: FakeUser) => entry.emails : (entry: FakeUser) => entry.phones;
    if (taken(value, pick)) throw new ClerkError(422, "form_identifier_exists");
    const identifier: FakeIdentifier = {
      id: fakeId(field === "email_address" ? "idn_email" : "idn_phone"),
      value,
      verified: body.verified === true,
    };
    pick(user).push(identifier);
    if (identifier.verified && body.primary === true) {
      if (field === "email_address") user.primaryEmailId = identifier.id;
      else user.primaryPhoneId = identifier.id;
    }
    user.updatedAt = Date.now();
    return identifier;
  }

  async function route(method: string, path: string, body: Record<string, unknown>): Promise<unknown> {
    const userPath = /^\/v1\/users\/([^/]+)$/.exec(path);
    if (userPath?.[1]) {
      const id = decodeURIComponent(userPath[1]);
      if (method === "GET") return userJson(userFor(id));
      if (method === "PATCH") {
        const user = userFor(id);
        if (typeof body.first_name === "string") user.firstName = body.first_name === "" ? null : body.first_name;
        if (typeof body.last_name === "string") user.lastName = body.last_name === "" ? null : body.last_name;
        if (typeof body.password === "string") user.password = body.password;
        user.updatedAt = Date.now();
        return userJson(user);
      }
      if (method === "DELETE") {
        userFor(id);
        users.delete(id);
        deleted.add(id);
        return { object: "user", id, deleted: true };
      }
    }
    if (method === "POST" && path === "/v1/email_addresses") return emailJson(addIdentifier(body, "email_address"));
    if (method === "POST" && path === "/v1/phone_numbers") return phoneJson(addIdentifier(body, "phone_number"));
    throw new ClerkError(404, "resource_not_found");
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<number> {
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", "http://clerk.local");
    if (url.pathname === "/_fake/requests" && method === "GET") {
      const user = url.searchParams.get("user");
      const matches = (entry: RecordedClerkRequest) =>
        !user ||
        entry.path.includes(encodeURIComponent(user)) ||
        (entry.body as { user_id?: unknown } | null)?.user_id === user;
      sendJson(response, 200, { requests: recorded.filter(matches) });
      return 200;
    }
    if (url.pathname === "/_fake/sessions/age" && method === "POST" && frontendApi) {
      request.resume();
      frontendApi.ageSessions(Number(url.searchParams.get("minutes") ?? "0"));
      response.writeHead(204).end();
      return 204;
    }
    if (frontendApi?.owns(url.pathname) && request.headers.authorization === undefined)
      return frontendApi.handle(request, response, url);
    if (!url.pathname.startsWith("/v1/")) throw new ClerkError(404, "resource_not_found");
    if (request.headers.authorization !== `Bearer ${options.secretKey}`)
      throw new ClerkError(401, "authentication_invalid");
    const body = await readJson(request);
    recorded.push({ method, path: url.pathname, body });
    if (recorded.length > MAX_RECORDED) recorded.splice(0, recorded.length - MAX_RECORDED);
    sendJson(response, 200, await route(method, url.pathname, body));
    return 200;
  }

  const server = createServer((request, response) => {
    handle(request, response)
      .then((status) =>
        log(`${request.method} ${new URL(request.url ?? "/", "http://clerk.local").pathname} ${status}`),
      )
      .catch((error: unknown) => {
        const known = error instanceof FapiError ? error : new FapiError(500, "internal_clerk_error");
        log(`${request.method} ${new URL(request.url ?? "/", "http://clerk.local").pathname} ${known.status}`);
        if (!response.headersSent) sendJson(response, known.status, fapiErrorBody(known));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => [...recorded],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
