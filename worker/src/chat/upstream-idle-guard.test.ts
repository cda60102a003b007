import { afterEach, describe, expect, it, vi } from "vitest";
import { guardedReaderOf, guardIdleBody } from "./upstream-idle-guard.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** An upstream body the test writes to. */
function upstream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (started) => void (controller = started) });
  return { body, controller };
}

afterEach(() => vi.useRealTimers());

describe("guardIdleBody", () => {
  it("passes every chunk and the end through, and leaves no timer behind", async () => {
    vi.useFakeTimers();
    const { body, controller } = upstream();
    const abort = new AbortController();
    const reader = guardIdleBody(body, 1000, abort, "deepseek").getReader();
    for (const text of ["a", "b", "c"]) {
      controller.enqueue(bytes(text));
      expect(await reader.read()).toEqual({ done: false, value: bytes(text) });
      await vi.advanceTimersByTimeAsync(600); // each wait is short; their sum exceeds the bound
    }
    controller.close();
    expect((await reader.read()).done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(abort.signal.aborted).toBe(false);
  });

  it("fails with upstream_timeout and aborts the upstream when one wait reaches the bound", async () => {
    vi.useFakeTimers();
    const { body, controller } = upstream();
    const abort = new AbortController();
    const reader = guardIdleBody(body, 1000, abort, "deepseek").getReader();
    controller.enqueue(bytes("a"));
    await reader.read();
    await vi.advanceTimersByTimeAsync(700); // nobody waits: the client is slow, not the upstream
    const waiting = reader.read().then(
      () => "read",
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(500); // the timer fires 300 ms into this wait and is set again for the rest
    expect(abort.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    expect(await waiting).toMatchObject({ code: "upstream_timeout" });
    expect(abort.signal.aborted).toBe(true);
  });

  it("a cancel by the reader cancels the upstream and clears the timer", async () => {
    vi.useFakeTimers();
    const { body } = upstream();
    const abort = new AbortController();
    const reader = guardIdleBody(body, 1000, abort, "deepseek").getReader();
    const waiting = reader.read();
    await reader.cancel();
    expect((await waiting).done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("gives a stream body its reader without the stream stage, once, under the same bound", async () => {
    vi.useFakeTimers();
    const { body, controller } = upstream();
    const abort = new AbortController();
    const guarded = guardIdleBody(body, 1000, abort, "deepseek");
    const reader = guardedReaderOf(guarded);
    expect(reader).not.toBeNull();
    expect(guardedReaderOf(guarded)).toBeNull();
    expect(guardedReaderOf(new ReadableStream())).toBeNull();
    controller.enqueue(bytes("a"));
    expect(await reader!.read()).toEqual({ done: false, value: bytes("a") });
    await vi.advanceTimersByTimeAsync(900); // nobody waits
    const waiting = reader!.read().then(
      () => "read",
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(1100);
    expect(await waiting).toMatchObject({ code: "upstream_timeout" });
    expect(abort.signal.aborted).toBe(true);
    await expect(reader!.read()).rejects.toMatchObject({ code: "upstream_timeout" });
  });
});
