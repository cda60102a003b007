/**
 * Helpers of the upstream-fault tests: send a request on either surface, read what the client sees within a bound
 * (a hang fails the test), count the concurrency slots left in Redis, and read when the simulator saw its
 * connection closed. Results are collected into a table printed after the file (case names and numbers only).
 */
import { afterAll } from "vitest";
import { bearer, gatewayFetch } from "./gateway.ts";
import { simulatorUrl } from "./simulator.ts";
import { testRedis } from "./stand-ins.ts";

export interface FaultRoute {
  name: string;
  surface: "chat" | "messages";
  model: string;
}

/** Every adapter behind both surfaces: OpenAI dialect, Anthropic (translated and native-forwarded), Gemini. */
export const FAULT_ROUTES = {
  chatOpenAI: { name: "chat/deepseek", surface: "chat", model: "deepseek/deepseek-flash" },
  chatAnthropic: { name: "chat/anthropic", surface: "chat", model: "anthropic/claude-haiku-5-5" },
  chatGemini: { name: "chat/gemini", surface: "chat", model: "gemini/gemini-3.8-flash" },
  messagesOpenAI: { name: "messages/deepseek (translated)", surface: "messages", model: "deepseek/deepseek-flash" },
  messagesAnthropic: { name: "messages/anthropic (native)", surface: "messages", model: "anthropic/claude-haiku-5-5" },
  messagesGemini: { name: "messages/gemini (translated)", surface: "messages", model: "gemini/gemini-3.8-flash" },
} as const satisfies Record<string, FaultRoute>;

export function sendTo(
  apiKey: string,
  route: FaultRoute,
  content: string,
  options: { stream: boolean; signal?: AbortSignal },
): Promise<Response> {
  const messages = [{ role: "user", content }];
  const chat = route.surface === "chat";
  const body = chat
    ? {
        model: route.model,
        messages,
        stream: options.stream,
        ...(options.stream ? { stream_options: { include_usage: true } } : {}),
      }
    : { model: route.model, max_tokens: 1024, messages, stream: options.stream };
  const headers = chat
    ? bearer(apiKey)
    : { "x-api-key": apiKey, "anthropic-version": "2023-06-01", "content-type": "application/json" };
  return gatewayFetch(chat ? "/v1/chat/completions" : "/v1/messages", {
    method: "POST",
    headers,
    body: JSON.stringify(body),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Longest a client may wait for any fault case to end (the test upstream timeout is 3 s). */
export const CLIENT_BOUND_MS = 12_000;

function withinBound<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`client hung: ${what} not over after ${CLIENT_BOUND_MS} ms`)),
      CLIENT_BOUND_MS,
    );
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}

const errorCode = (payload: unknown): string | undefined => {
  const error = (payload as { error?: { code?: unknown; type?: unknown } } | null)?.error;
  if (!error) return undefined;
  return String(error.code ?? error.type ?? "error");
};

/**
 * What the client saw, as one line: `<status> answer` / `<status> <error code>` for JSON, and for a stream
 * `200 stream complete`, `200 stream error event <code>` or `200 stream cut`. Fails if it takes over CLIENT_BOUND_MS.
 */
export async function clientOutcome(pending: Promise<Response>): Promise<string> {
  const response = await withinBound(pending, "response");
  if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
    const json: unknown = await withinBound(
      response.json().catch(() => null),
      "JSON body",
    );
    return `${response.status} ${response.ok ? "answer" : (errorCode(json) ?? "unreadable")}`;
  }
  const text = await withinBound(
    response.text().catch(() => null),
    "stream",
  );
  if (text === null) return `${response.status} stream cut`;
  const payloads = text.split("\n\n").flatMap((message) =>
    message
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => line.slice(6)),
  );
  for (const payload of payloads) {
    if (payload === "[DONE]") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return `${response.status} stream malformed event forwarded`;
    }
    const code = errorCode(parsed);
    if (code) return `${response.status} stream error event ${code}`;
  }
  const complete = payloads.includes("[DONE]") || text.includes("event: message_stop");
  return `${response.status} stream ${complete ? "complete" : "ended without its end marker"}`;
}

/** Slots held in the account's and the key's concurrency sets. */
export async function slotsHeld(account: { userId: string; keyId: string }): Promise<number> {
  const redis = testRedis();
  return (await redis.zcard(`omz:cc:${account.userId}`)) + (await redis.zcard(`omz:cck:${account.keyId}`));
}

/** Polls until `check` holds (the settlement runs after the response, in waitUntil); returns whether it did. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 8_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The slots left once the settlement ran: 0 unless a slot leaked (then what is still held after the wait). */
export async function slotsAfterSettlement(account: { userId: string; keyId: string }): Promise<number> {
  await eventually(async () => (await slotsHeld(account)) === 0);
  return slotsHeld(account);
}

export interface SimulatorRequest {
  outcome: string | null;
  client_closed_at: number | null;
  usage: { prompt_tokens: number; completion_tokens: number; reasoning_tokens: number; cached_tokens: number } | null;
  body?: unknown;
}

/** The simulator's entry for the request carrying `marker`, once `ready` holds for it (or the last seen). */
export async function simulatorRequest(
  marker: string,
  ready: (entry: SimulatorRequest) => boolean,
  timeoutMs = 8_000,
): Promise<SimulatorRequest | undefined> {
  let found: SimulatorRequest | undefined;
  await eventually(async () => {
    const { requests } = (await (await fetch(`${simulatorUrl()}/_sim/requests?body=1`)).json()) as {
      requests: SimulatorRequest[];
    };
    found = requests.find((entry) => JSON.stringify(entry.body ?? null).includes(marker));
    return found !== undefined && ready(found);
  }, timeoutMs);
  return found;
}

/** Rows of the results table, printed once after the file. */
export function resultsTable(title: string): Array<Record<string, string | number>> {
  const rows: Array<Record<string, string | number>> = [];
  afterAll(() => {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0] ?? {});
    const lines = [
      `| ${columns.join(" | ")} |`,
      `|${columns.map(() => "---").join("|")}|`,
      ...rows.map((row) => `| ${columns.map((column) => row[column] ?? "").join(" | ")} |`),
    ];
    console.log(`\n${title}\n${lines.join("\n")}`);
  });
  return rows;
}
