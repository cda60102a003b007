import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { postJson, useSimulator } from "./test-helpers.ts";

const simulator = useSimulator();
const openAi = (): OpenAI => new OpenAI({ baseURL: `${simulator.url}/openai/v1`, apiKey: "k", maxRetries: 0 });
const anthropic = (): Anthropic => new Anthropic({ baseURL: `${simulator.url}/anthropic`, apiKey: "k", maxRetries: 0 });
const ask = (marker: string) => [{ role: "user" as const, content: `hello ${marker}` }];

async function lastEntry(): Promise<Record<string, unknown> | undefined> {
  const log = (await (await fetch(`${simulator.url}/_sim/requests`)).json()) as {
    requests: Array<Record<string, unknown>>;
  };
  return log.requests.at(-1);
}

describe("fault directives", () => {
  it("disconnect_after cuts an OpenAI stream mid-way: the SDK throws after N content chunks", async () => {
    const stream = await openAi().chat.completions.create({
      model: "m",
      messages: ask("[[sim chunks=5 disconnect_after=2]]"),
      stream: true,
    });
    const pieces: string[] = [];
    const consume = async (): Promise<void> => {
      for await (const chunk of stream) {
        const content = chunk.choices[0]?.delta.content;
        if (content) pieces.push(content);
      }
    };
    await expect(consume()).rejects.toThrow();
    expect(pieces).toHaveLength(2);
    expect((await lastEntry())?.outcome).toBe("disconnected");
  });

  it("disconnect_after equal to the chunk count loses the usage chunk: the stream still fails", async () => {
    const stream = await openAi().chat.completions.create({
      model: "m",
      messages: ask("[[sim chunks=3 disconnect_after=3]]"),
      stream: true,
      stream_options: { include_usage: true },
    });
    let usageSeen = false;
    let pieces = 0;
    const consume = async (): Promise<void> => {
      for await (const chunk of stream) {
        if (chunk.usage) usageSeen = true;
        if (chunk.choices[0]?.delta.content) pieces += 1;
      }
    };
    await expect(consume()).rejects.toThrow();
    expect({ pieces, usageSeen }).toEqual({ pieces: 3, usageSeen: false });
  });

  it("disconnect_after makes the Anthropic SDK stream fail, and a non-stream request fail to connect", async () => {
    const stream = anthropic().messages.stream({
      model: "m",
      max_tokens: 10,
      messages: ask("[[sim disconnect_after=1]]"),
    });
    await expect(stream.finalMessage()).rejects.toThrow();
    const error = await openAi()
      .chat.completions.create({ model: "m", messages: ask("[[sim disconnect_after=0]]") })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it("error_after sends an in-stream error in each dialect's shape", async () => {
    const stream = await openAi().chat.completions.create({
      model: "m",
      messages: ask("[[sim error_after=1]]"),
      stream: true,
    });
    const consume = async (): Promise<void> => {
      for await (const _chunk of stream) void _chunk;
    };
    await expect(consume()).rejects.toBeInstanceOf(OpenAI.APIError);
    const anthropicStream = anthropic().messages.stream({
      model: "m",
      max_tokens: 10,
      messages: ask("[[sim error_after=2]]"),
    });
    const error = await anthropicStream.finalMessage().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(String(error)).toContain("overloaded_error");
    expect((await lastEntry())?.outcome).toBe("error");
  });

  it("stall_ms delays the response headers", async () => {
    const started = performance.now();
    const response = await postJson(
      `${simulator.url}/openai/v1/chat/completions`,
      {
        model: "m",
        messages: ask("[[sim stall_ms=300]]"),
        stream: true,
      },
      { authorization: "Bearer k" },
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    await response.text();
  });

  it("delay_ms spaces the content chunks", async () => {
    const started = performance.now();
    await openAi()
      .chat.completions.create({ model: "m", messages: ask("[[sim chunks=4 delay_ms=60]]"), stream: true })
      .then(async (stream) => {
        for await (const _chunk of stream) void _chunk;
      });
    expect(performance.now() - started).toBeGreaterThanOrEqual(170);
  });

  it("stall_after sends N chunks then hangs until the client goes away", async () => {
    const controller = new AbortController();
    const response = await fetch(`${simulator.url}/gemini/v1beta/models/g:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { "x-goog-api-key": "k", "x-sim-stall-after": "1", "x-sim-chunks": "3" },
      body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"candidates"');
    const next = await Promise.race([
      reader.read().then(() => "data"),
      new Promise((resolve) => setTimeout(() => resolve("stalled"), 300)),
    ]);
    expect(next).toBe("stalled");
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await lastEntry())?.outcome).toBe("client_closed");
  });
});

describe("fragment", () => {
  it("splits SSE messages across network reads, inside UTF-8 characters, without changing the content", async () => {
    const response = await postJson(
      `${simulator.url}/openai/v1/chat/completions`,
      {
        model: "m",
        messages: ask("[[sim chunks=2 words=6 fragment=3]]"),
        stream: true,
      },
      { authorization: "Bearer k" },
    );
    const reads: Uint8Array[] = [];
    const reader = response.body!.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) reads.push(read.value);
    const strict = new TextDecoder("utf-8", { fatal: true });
    const splitInsideCharacter = reads.some((piece) => {
      try {
        strict.decode(piece);
        return false;
      } catch {
        return true;
      }
    });
    expect(reads.length).toBeGreaterThan(10);
    expect(splitInsideCharacter).toBe(true);
    const text = Buffer.concat(reads).toString("utf8");
    const viaSdk = await openAi().chat.completions.create({ model: "m", messages: ask("[[sim chunks=2 words=6]]") });
    const streamed = text
      .split("\n\n")
      .filter((message) => message.startsWith("data: {"))
      .map(
        (message) =>
          (JSON.parse(message.slice(6)) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta
            .content ?? "",
      )
      .join("");
    expect(streamed).toBe(viaSdk.choices[0]?.message.content);
  });
});

describe("service endpoints", () => {
  it("answers /healthz, and 404 for unknown paths (in the provider's shape under its prefix)", async () => {
    expect(await (await fetch(`${simulator.url}/healthz`)).json()).toEqual({ ok: true });
    const unknown = await fetch(`${simulator.url}/nowhere`);
    expect(unknown.status).toBe(404);
    const anthropicUnknown = await fetch(`${simulator.url}/anthropic/v1/complete`, { method: "POST" });
    expect(anthropicUnknown.status).toBe(404);
    expect(await anthropicUnknown.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    const wrongMethod = await fetch(`${simulator.url}/openai/v1/chat/completions`);
    expect(wrongMethod.status).toBe(404);
    expect(await wrongMethod.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });
});

describe("error_times", () => {
  it("fails only the first N requests that carry the same nonce", async () => {
    const { startProviderSimulator } = await import("./server.ts");
    const simulator = await startProviderSimulator({ port: 0 });
    try {
      const send = () =>
        fetch(`${simulator.url}/openai/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: "Bearer k", "content-type": "application/json" },
          body: JSON.stringify({
            model: "m",
            messages: [{ role: "user", content: "[[sim error=503 error_times=2 nonce=abc1]]" }],
          }),
        });
      expect((await send()).status).toBe(503);
      expect((await send()).status).toBe(503);
      expect((await send()).status).toBe(200);
    } finally {
      await simulator.close();
    }
  });
});

describe("faults for gateway tests", () => {
  const openAiStream = (marker: string, signal?: AbortSignal) =>
    fetch(`${simulator.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer k", "content-type": "application/json" },
      body: JSON.stringify({
        model: "m",
        messages: ask(marker),
        stream: true,
        stream_options: { include_usage: true },
      }),
      ...(signal ? { signal } : {}),
    });
  const dataLines = (text: string) =>
    text
      .split("\n\n")
      .filter((message) => message.startsWith("data: "))
      .map((message) => message.slice(6));

  it("malformed_after writes one non-JSON event after N content events, then the rest of the stream", async () => {
    const lines = dataLines(await (await openAiStream("[[sim chunks=3 malformed_after=1]]")).text());
    const broken = lines.filter((line) => {
      try {
        JSON.parse(line === "[DONE]" ? "0" : line);
        return false;
      } catch {
        return true;
      }
    });
    expect(broken).toHaveLength(1);
    expect(lines.indexOf(broken[0]!)).toBe(2); // the role chunk, one content chunk, then the broken event
    expect(lines.at(-1)).toBe("[DONE]");
  });

  it("trailer_delay_ms holds back the usage chunk after the finish chunk", async () => {
    const response = await openAiStream("[[sim chunks=2 trailer_delay_ms=300]]");
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes('"finish_reason":"stop"')) text += decoder.decode((await reader.read()).value);
    const finishedAt = performance.now();
    while (!text.includes('"usage":{')) text += decoder.decode((await reader.read()).value);
    expect(performance.now() - finishedAt).toBeGreaterThanOrEqual(250);
    await reader.cancel();
  });

  it("drip_ms spaces the pieces of a fragmented message (a slow drip)", async () => {
    const started = performance.now();
    const text = await (await openAiStream("[[sim chunks=1 words=1 fragment=64 drip_ms=20]]")).text();
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    expect(dataLines(text).at(-1)).toBe("[DONE]");
  });

  it("stall_body sends the headers of a non-stream answer and never its body", async () => {
    const controller = new AbortController();
    const response = await postJson(
      `${simulator.url}/openai/v1/chat/completions`,
      { model: "m", messages: ask("[[sim stall_body=1]]") },
      { authorization: "Bearer k" },
    );
    expect(response.status).toBe(200);
    const body = response.text().then(
      () => "body",
      () => "failed",
    );
    const next = await Promise.race([body, new Promise((resolve) => setTimeout(() => resolve("stalled"), 300))]);
    expect(next).toBe("stalled");
    controller.abort();
    await response.body?.cancel().catch(() => undefined);
  });

  it("records when the client closed the connection (client_closed_at)", async () => {
    const controller = new AbortController();
    const response = await openAiStream("[[sim chunks=20 delay_ms=100]]", controller.signal);
    await response.body!.getReader().read();
    const closedAt = Date.now();
    controller.abort();
    let entry: Record<string, unknown> | undefined;
    for (let attempt = 0; attempt < 50 && !entry?.client_closed_at; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      entry = await lastEntry();
    }
    expect(entry?.client_closed_at).toBeGreaterThanOrEqual(closedAt);
    expect(Number(entry?.client_closed_at) - closedAt).toBeLessThan(1000);
    const completed = await openAi().chat.completions.create({ model: "m", messages: ask("[[sim chunks=2]]") });
    expect(completed.choices[0]?.message.content).toBeTruthy();
    expect((await lastEntry())?.client_closed_at).toBeNull();
  });
});
