/**
 * The fake Clerk (local/clerk-fake: the Backend API, and the Frontend API the Clerk-mode SPA reaches through its
 * proxy) behind a front the browser tests can reset: a deleted user stays deleted in a fake, and every flow deletes
 * the same local user. `POST /_browser/reset` starts a fresh fake behind the same URL (the worker's `CLERK_API_URL`)
 * with the test account's verified primary email and password, and no sessions; everything else is passed on to the
 * current fake.
 */
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import type { FrontendApiOptions } from "../clerk-fake/frontend-api.ts";
import { startClerkFake, type ClerkFake } from "../clerk-fake/server.ts";
import { TEST_ACCOUNT } from "./account.ts";

export interface ClerkFront {
  url: string;
  close(): Promise<void>;
}

type FrontendApiSettings = Omit<FrontendApiOptions, "users">;

async function freshFake(secretKey: string, frontendApi: FrontendApiSettings): Promise<ClerkFake> {
  const fake = await startClerkFake({ secretKey, frontendApi });
  const backend = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${fake.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`the Clerk fake refused ${method} ${path}: HTTP ${response.status}`);
  };
  await backend("POST", "/v1/email_addresses", {
    user_id: TEST_ACCOUNT.clerkUserId,
    email_address: TEST_ACCOUNT.email,
    verified: true,
    primary: true,
  });
  await backend("PATCH", `/v1/users/${TEST_ACCOUNT.clerkUserId}`, { password: TEST_ACCOUNT.password });
  return fake;
}

export async function startClerkFront(secretKey: string, frontendApi: FrontendApiSettings): Promise<ClerkFront> {
  let fake = await freshFake(secretKey, frontendApi);
  const server = createServer((incoming, outgoing) => {
    if (incoming.method === "POST" && incoming.url === "/_browser/reset") {
      incoming.resume();
      const previous = fake;
      freshFake(secretKey, frontendApi).then(
        async (next) => {
          fake = next;
          await previous.close();
          outgoing.writeHead(204).end();
        },
        (error: unknown) => outgoing.writeHead(500).end(String(error)),
      );
      return;
    }
    const target = new URL(incoming.url ?? "/", fake.url);
    const forwarded = httpRequest(
      target,
      { method: incoming.method, headers: { ...incoming.headers, host: target.host } },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on("error", () => outgoing.writeHead(502).end());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fake.close();
    },
  };
}
