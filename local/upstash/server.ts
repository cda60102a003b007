import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { BackendKind, CommandBackend } from "./backend.ts";
import { createEmbeddedBackend } from "./embedded-backend.ts";
import { encodeOutcome, encodeResult, replySize } from "./encoding.ts";
import { HttpRequestError, isAuthorized, parseRequest, readBody } from "./http-request.ts";
import type { ParsedRequest } from "./http-request.ts";
import { connectRedisBackend, isRedisReachable } from "./redis-backend.ts";
import { CommandError, errorText } from "./reply.ts";
import { acceptUpstashScriptFlags } from "./script-flags.ts";
import type { CommandOutcome } from "./reply.ts";
import { delay, parseGeoProfile, type UpstashGeoProfile } from "./geo-profile.ts";
import { GeoRouter, type RequestAnswer } from "./geo-router.ts";
import { copyKeyspace, startPrivateRedis, type PrivateRedis } from "./private-redis.ts";

/** Options of startUpstashServer. */
export interface UpstashServerOptions {
  /** Bearer token clients must present. */
  token: string;
  /** Port to listen on; 0 or undefined picks a free one. */
  port?: number;
  /** Interface to bind; defaults to 127.0.0.1. */
  host?: string;
  /** Redis to front; defaults to $REDIS_URL, then redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** Skip Redis and use the in-process store (tests of the embedded path). */
  forceEmbedded?: boolean;
  /** Where log lines go (command names, counts and sizes only; never arguments or values). Defaults to console.log. */
  log?: (line: string) => void;
  /** Model Upstash Global from the start (see geo-router.ts); also `POST /_omnizen/geo`. Default: none. */
  geo?: UpstashGeoProfile;
}

/** A running server. */
export interface UpstashServer {
  port: number;
  /** Base URL to hand to `new Redis({ url, token })`. */
  url: string;
  backend: BackendKind;
  /**
   * Fault injection for tests: while down, every command request has its connection dropped without an answer, as
   * if Upstash were unreachable (the stats and fault endpoints keep answering). Also `POST /_omnizen/fault`
   * with `{"down": true|false}`, for tests running inside workerd.
   */
  setDown(down: boolean): void;
  /**
   * Switches the geo model on (a fresh replica copied from the primary) or off (undefined). Also
   * `POST /_omnizen/geo` with a profile, or `{}` for off.
   */
  setGeoProfile(profile: UpstashGeoProfile | undefined): Promise<void>;
  /** The geo model while a profile is on (tests wait on its replication). */
  geoRouter(): GeoRouter | undefined;
  /** Stops accepting requests and closes the backend connection. */
  close(): Promise<void>;
}

const redisProbeTimeoutMs = 1_000;

function embeddedWarning(redisUrl: string, forced: boolean): string {
  const reason = forced
    ? "forceEmbedded was requested"
    : `no Redis answered at ${redisUrl} within ${redisProbeTimeoutMs} ms`;
  return [
    "",
    "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
    "!! [upstash] WARNING: USING THE EMBEDDED IN-MEMORY REDIS (ioredis-mock)",
    `!! Reason: ${reason}.`,
    "!! Data is NOT persisted and is lost when this process exits.",
    "!! Lua scripting and some commands only approximate real Redis.",
    "!! Start Redis (or set REDIS_URL) to test against the real thing.",
    "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
    "",
  ].join("\n");
}

function redisUrlOf(options: UpstashServerOptions): string {
  return options.redisUrl ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
}

async function chooseBackend(options: UpstashServerOptions, log: (line: string) => void): Promise<CommandBackend> {
  const redisUrl = redisUrlOf(options);
  if (!options.forceEmbedded && (await isRedisReachable(redisUrl, redisProbeTimeoutMs))) {
    return acceptUpstashScriptFlags(await connectRedisBackend(redisUrl, log));
  }
  log(embeddedWarning(redisUrl, options.forceEmbedded === true));
  return acceptUpstashScriptFlags(createEmbeddedBackend());
}

function sendJson(response: ServerResponse, status: number, body: unknown, syncToken: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "upstash-sync-token": syncToken,
  });
  response.end(text);
}

/** Runs commands in order without atomicity; one outcome per command. */
async function runPipeline(backend: CommandBackend, commands: string[][]): Promise<CommandOutcome[]> {
  // Issued together so they pipeline on the connection; order is kept by the connection (or the embedded queue).
  const settled = await Promise.allSettled(commands.map((command) => backend.execute(command)));
  return settled.map((entry) =>
    entry.status === "fulfilled" ? { result: entry.value } : { error: errorText(entry.reason) },
  );
}

function describe(parsed: ParsedRequest): string {
  if (parsed.kind === "single") return (parsed.command[0] ?? "").toUpperCase();
  const names = parsed.commands.map((command) => (command[0] ?? "").toUpperCase());
  return `${parsed.kind}(${parsed.commands.length}: ${[...new Set(names)].join(",")})`;
}

/** A replica store for the geo model: a private redis-server seeded from the primary, or an empty embedded store. */
async function startReplica(
  primaryKind: BackendKind,
  primaryUrl: string,
  log: (line: string) => void,
): Promise<{ backend: CommandBackend; server?: PrivateRedis }> {
  if (primaryKind === "embedded") {
    log("[upstash] geo: the replica is a second embedded store, starting empty (set the profile before writing)");
    return { backend: acceptUpstashScriptFlags(createEmbeddedBackend()) };
  }
  const server = await startPrivateRedis();
  try {
    const copied = await copyKeyspace(primaryUrl, server.path);
    log(`[upstash] geo: replica redis-server started, ${copied} keys copied from the primary`);
    return { backend: acceptUpstashScriptFlags(await connectRedisBackend(server.path, log)), server };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** Runs a request without the geo model: today's behaviour. */
async function runDirect(backend: CommandBackend, parsed: ParsedRequest): Promise<RequestAnswer> {
  if (parsed.kind === "single") return { kind: "single", result: await backend.execute(parsed.command) };
  const outcomes =
    parsed.kind === "pipeline"
      ? await runPipeline(backend, parsed.commands)
      : await backend.executeTransaction(parsed.commands);
  return { kind: "list", outcomes };
}

/**
 * Starts a server speaking Upstash's Redis REST protocol (single command, path form, /pipeline, /multi-exec,
 * `Upstash-Encoding: base64`, bearer or `_token` auth) in front of real Redis, falling back, loudly, to an in-process
 * store when Redis is unreachable within about a second. Resolves once the server is listening.
 */
export async function startUpstashServer(options: UpstashServerOptions): Promise<UpstashServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const backend = await chooseBackend(options, log);
  let syncCounter = 0;
  /** Authorized REST requests served, for tests that count round trips (GET /_omnizen/stats, not counted). */
  let servedRequests = 0;
  let down = false;
  let geo: { router: GeoRouter; replica: CommandBackend; server?: PrivateRedis } | undefined;
  let geoChange: Promise<void> = Promise.resolve();

  const stopGeo = async (): Promise<void> => {
    const current = geo;
    geo = undefined;
    if (!current) return;
    await current.router.drained();
    await current.replica.close();
    await current.server?.close();
  };
  const setGeoProfile = (profile: UpstashGeoProfile | undefined): Promise<void> => {
    geoChange = geoChange.then(async () => {
      await stopGeo();
      if (!profile) {
        log("[upstash] geo: off");
        return;
      }
      const replica = await startReplica(backend.kind, redisUrlOf(options), log);
      geo = {
        router: new GeoRouter(profile, backend, replica.backend),
        replica: replica.backend,
        ...(replica.server ? { server: replica.server } : {}),
      };
      log(
        `[upstash] geo: ${profile.name} (primary ${profile.primaryRttMs} ms, replica ${profile.replicaRttMs} ms, lag ${profile.replicationLagMs} ms)`,
      );
    });
    return geoChange;
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const syncToken = String(++syncCounter);
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", "http://localhost");
    if (!["GET", "POST", "PUT", "HEAD"].includes(method)) {
      sendJson(response, 405, { error: "ERR method not allowed" }, syncToken);
      return;
    }
    if (!isAuthorized(request, url, options.token)) {
      sendJson(response, 401, { error: "Unauthorized" }, syncToken);
      return;
    }
    if (method === "GET" && url.pathname === "/_omnizen/stats") {
      const router = geo?.router;
      const billing = router ? { ...router.counters, billedCommands: router.billedCommands } : {};
      sendJson(response, 200, { requests: servedRequests, geo: router?.profile.name ?? null, ...billing }, syncToken);
      return;
    }
    if (method === "POST" && url.pathname === "/_omnizen/geo") {
      try {
        const body: unknown = JSON.parse((await readBody(request)).toString("utf8") || "{}");
        const empty = body !== null && typeof body === "object" && Object.keys(body).length === 0;
        await setGeoProfile(empty ? undefined : parseGeoProfile(body));
        sendJson(response, 200, { geo: geo?.router.profile ?? null }, syncToken);
      } catch (error) {
        sendJson(
          response,
          400,
          { error: `ERR ${error instanceof Error ? error.message : "bad geo profile"}` },
          syncToken,
        );
      }
      return;
    }
    if (method === "POST" && url.pathname === "/_omnizen/fault") {
      const fault = JSON.parse((await readBody(request)).toString("utf8") || "{}") as { down?: unknown };
      down = fault.down === true;
      log(`[upstash] fault: ${down ? "down (connections dropped)" : "restored"}`);
      sendJson(response, 200, { down }, syncToken);
      return;
    }
    if (down) {
      request.socket.destroy();
      return;
    }
    servedRequests += 1;
    const base64 = String(request.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const started = Date.now();
    let label = method;
    try {
      const body = await readBody(request);
      const parsed = parseRequest(method, url, body);
      label = describe(parsed);
      const model = geo;
      const target = model?.router.route(parsed);
      const rttMs = model
        ? target === "primary"
          ? model.router.profile.primaryRttMs
          : model.router.profile.replicaRttMs
        : 0;
      // Half of the round trip before the request reaches the region, half after it answers.
      await delay(rttMs / 2);
      let answer: RequestAnswer;
      try {
        answer = model && target ? await model.router.execute(parsed, target) : await runDirect(backend, parsed);
      } finally {
        await delay(rttMs - rttMs / 2);
      }
      if (answer.kind === "single") {
        log(
          `[upstash] ${label} ok ${replySize(answer.result)}B ${Date.now() - started}ms${target ? ` ${target}` : ""}`,
        );
        sendJson(response, 200, { result: encodeResult(answer.result, base64) }, syncToken);
        return;
      }
      const outcomes = answer.outcomes;
      const failures = outcomes.filter((outcome) => "error" in outcome).length;
      log(`[upstash] ${label} ok, ${failures} failed, ${Date.now() - started}ms${target ? ` ${target}` : ""}`);
      sendJson(
        response,
        200,
        outcomes.map((outcome) => encodeOutcome(outcome, base64)),
        syncToken,
      );
    } catch (error) {
      const status = error instanceof HttpRequestError ? error.status : error instanceof CommandError ? 400 : 500;
      const message = errorText(error);
      // Only the error code (first word) is logged: Redis error texts can quote arguments.
      log(`[upstash] ${label} error ${status} ${message.split(" ")[0] ?? ""} ${Date.now() - started}ms`);
      sendJson(response, status, { error: message }, syncToken);
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`[upstash] internal failure: ${error instanceof Error ? error.name : "unknown"}`);
      if (!response.headersSent) sendJson(response, 500, { error: "ERR internal server error" }, "");
      else response.destroy();
    });
  });
  // Clients keep connections alive between requests. The server must not close an idle connection before the
  // client's pool gives it up: a request written onto a connection the server is closing is reset, which the
  // gateway sees as Upstash unreachable (a 503 under load in the soak). close() closes every connection anyway.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await backend.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  if (options.geo) await setGeoProfile(options.geo);
  const urlHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  const url = `http://${urlHost}:${port}`;
  log(`[upstash] listening on ${url} (backend: ${backend.kind})`);

  return {
    port,
    url,
    backend: backend.kind,
    setDown(value) {
      down = value;
      log(`[upstash] fault: ${down ? "down (connections dropped)" : "restored"}`);
    },
    async close(): Promise<void> {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await geoChange.catch(() => undefined);
      await stopGeo();
      await backend.close();
    },
    setGeoProfile,
    geoRouter: () => geo?.router,
  };
}
