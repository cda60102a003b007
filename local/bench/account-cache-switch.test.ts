import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { switchAccountPromptCache, type CacheSwitchContext } from "./account-cache-switch.ts";
import { BenchClient } from "./http-client.ts";

/**
 * A fake gateway: `PATCH /api/account` records the setting and its token, and chat requests answer
 * `x-omnizen-cache` from the setting the gateway "sees", which catches up only after `staleAnswers` answers.
 */
const state = {
  enabled: true,
  seen: true,
  staleAnswers: 0,
  patches: [] as { authorization: string | undefined; body: unknown }[],
  patchStatus: 200,
};

let server: Server;
let context: CacheSwitchContext;
const client = new BenchClient({ maxSockets: 4, timeoutMs: 5000 });
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method === "PATCH" && request.url === "/api/account") {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { promptCacheEnabled: boolean };
        state.patches.push({ authorization: request.headers.authorization, body });
        state.enabled = body.promptCacheEnabled;
        response.writeHead(state.patchStatus, { "content-type": "application/json" });
        response.end(JSON.stringify({ promptCacheEnabled: state.enabled }));
        return;
      }
      if (state.staleAnswers > 0) state.staleAnswers -= 1;
      else state.seen = state.enabled;
      response.writeHead(200, { "content-type": "application/json", "x-omnizen-cache": state.seen ? "HIT" : "BYPASS" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  context = {
    client,
    targets: { gatewayUrl: url, simulatorUrl: url, apiKey: "sk-omni-test" },
    signingKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    runTag: "test",
    timeoutMs: 5000,
  };
});

afterAll(async () => {
  client.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  Object.assign(state, { enabled: true, seen: true, staleAnswers: 0, patches: [], patchStatus: 200 });
});

describe("switchAccountPromptCache", () => {
  it("sets the account's cache through the dashboard API with a session token, and waits until the gateway shows it", async () => {
    state.staleAnswers = 3; // the gateway keeps answering HIT for 3 more requests
    const tries = await switchAccountPromptCache(context, false);
    expect(state.patches).toHaveLength(1);
    expect(state.patches[0]?.body).toEqual({ promptCacheEnabled: false });
    const token = state.patches[0]?.authorization?.replace(/^Bearer /, "") ?? "";
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { sub: string };
    expect(claims.sub).toBe("local_dev_user");
    expect(tries).toBe(2); // two requests per try: the first try saw HIT twice
    expect(state.seen).toBe(false);

    expect(await switchAccountPromptCache(context, true)).toBe(1);
    expect(state.patches.at(-1)?.body).toEqual({ promptCacheEnabled: true });
  });

  it("throws when the dashboard API refuses the change", async () => {
    state.patchStatus = 403;
    await expect(switchAccountPromptCache(context, false)).rejects.toThrow("answered 403");
  });

  it("throws when the gateway never shows the switch", async () => {
    state.staleAnswers = 1_000;
    await expect(switchAccountPromptCache({ ...context, timeoutMs: 300 }, false)).rejects.toThrow(
      "still answers x-omnizen-cache HIT",
    );
  });
});
