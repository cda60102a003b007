/**
 * The hot path's Upstash calls (the admission script granting leases, and the lease flush) as one plain `fetch`
 * each, in Upstash's REST protocol: `POST /` with the command as a JSON array, `{"result": ...}` or
 * `{"error": "..."}` back (https://upstash.com/docs/redis/features/restapi).
 *
 * Why not @upstash/redis here: in workerd its generic request path (header merging, a retry loop, reading the reply
 * as text and parsing it, deserialisation) cost about as much CPU per call as the `fetch` itself; on a request that
 * must add at most a millisecond, that mattered (see local/bench). And the hot path reaches Upstash only through
 * this client, so @upstash/redis stays off a fresh isolate's start (docs/cold-start.md). The dashboard, webhooks and
 * cron, imported on first use, keep @upstash/redis.
 *
 * Errors carry the status and the Redis error code (its first word, e.g. `NOSCRIPT`) only: never the command's
 * arguments or the reply, which hold cache keys, usage records and encrypted cache entries.
 */
import type { Config } from "../../env.ts";

/** What runScript needs; @upstash/redis's `Redis` satisfies it too. */
export interface ScriptClient {
  evalsha(digest: string, keys: string[], args: string[]): Promise<unknown>;
  eval(source: string, keys: string[], args: string[]): Promise<unknown>;
}

/**
 * What runReadOnlyScript needs: EVALSHA_RO / EVAL_RO, which Upstash Global serves from the nearest read replica
 * (https://upstash.com/docs/redis/commands/scripting/evalsha-ro).
 */
export interface ReadOnlyScriptClient {
  evalshaRo(digest: string, keys: string[], args: string[]): Promise<unknown>;
  evalRo(source: string, keys: string[], args: string[]): Promise<unknown>;
  /** A plain GET (one billed command; a replica read on Upstash Global): the string, or null when absent. */
  getString(key: string): Promise<string | null>;
}

/** The failed-authentication counter's two writes; @upstash/redis's `Redis` has both too. */
export interface CounterClient {
  /** INCR: the counter's new value. */
  incr(key: string): Promise<number>;
  /** PEXPIRE: 1 when the key exists and got the expiry, else 0. */
  pexpire(key: string, milliseconds: number): Promise<number>;
}

/** The whole client: what the hot path sends to Upstash. */
export type HotPathRedis = ScriptClient & ReadOnlyScriptClient & CounterClient;

/** A failed REST call: `code` is the Redis error code, or `HTTP <status>`, or `network`. */
export class UpstashCallError extends Error {
  override readonly name = "UpstashCallError";
  constructor(
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`Upstash call failed: ${code}`, options);
  }
}

const clients = new WeakMap<Config, HotPathRedis>();

/** One client per isolate and configuration (it holds only the URL and the authorization header). */
export function createScriptClient(config: Config): HotPathRedis {
  let client = clients.get(config);
  if (!client) {
    client = scriptClient(config.UPSTASH_REDIS_REST_URL, config.UPSTASH_REDIS_REST_TOKEN);
    clients.set(config, client);
  }
  return client;
}

/** A client for the Upstash REST endpoint `url` (tests use it directly; the worker goes through createScriptClient). */
export function scriptClient(url: string, token: string): HotPathRedis {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const call = async (command: string[]): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(url, { method: "POST", headers, body: JSON.stringify(command) });
    } catch (cause) {
      throw new UpstashCallError("network", { cause });
    }
    const reply = (await response.json().catch(() => null)) as { result?: unknown; error?: unknown } | null;
    if (reply && typeof reply.error === "string")
      throw new UpstashCallError(reply.error.split(" ", 1)[0] || `HTTP ${response.status}`);
    if (!response.ok || !reply || !("result" in reply)) throw new UpstashCallError(`HTTP ${response.status}`);
    return reply.result;
  };
  return {
    evalsha: (digest, keys, args) => call(["EVALSHA", digest, String(keys.length), ...keys, ...args]),
    eval: (source, keys, args) => call(["EVAL", source, String(keys.length), ...keys, ...args]),
    evalshaRo: (digest, keys, args) => call(["EVALSHA_RO", digest, String(keys.length), ...keys, ...args]),
    evalRo: (source, keys, args) => call(["EVAL_RO", source, String(keys.length), ...keys, ...args]),
    getString: async (key) => {
      const value = await call(["GET", key]);
      return typeof value === "string" ? value : null;
    },
    incr: async (key) => Number(await call(["INCR", key])),
    pexpire: async (key, milliseconds) => Number(await call(["PEXPIRE", key, String(milliseconds)])),
  };
}
