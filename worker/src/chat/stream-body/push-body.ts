/**
 * The client side of a stream body, written by the body's own read loop rather than pulled by the runtime.
 *
 * On workerd it is an `IdentityTransformStream`: a native stream, so workerd sends what the loop writes to the client
 * without entering JavaScript again for each chunk. A JavaScript `ReadableStream` that workerd pulls one chunk at a
 * time costs one more trip into the isolate per chunk (docs/benchmarks/2026-12-06-streams.md: about 20-25 µs of a
 * 50-chunk stream's every chunk). Elsewhere (Node unit tests) a `TransformStream` stands in.
 *
 * `write` resolves once the client has taken the bytes (IdentityTransformStream keeps no buffer), so a loop that waits
 * for it before reading the upstream again goes at the client's pace, as the pull-based bodies did. It is the writer's
 * own promise, with no JavaScript step of ours per write. When the client goes away, `onGone` is called once, and
 * writes reject. workerd tells a native body's writer only
 * when a write fails, so the request's signal (`enable_request_signal`: it aborts when the client disconnects) says
 * it at once, also while the loop waits for the upstream; a cancel of the readable side (tests, Node) says it too.
 */

export interface PushBody {
  /** What the client reads: the response body. */
  readable: ReadableStream<Uint8Array>;
  /**
   * Sends `bytes` (not empty); resolves once the client has taken them, rejects when the client is gone (`onGone`
   * runs too, once, though not necessarily before the rejection is seen). The caller must handle the rejection.
   */
  write(bytes: Uint8Array): Promise<void>;
  /** Ends the body after what was written; nothing may be written after. */
  close(): void;
}

interface NativePair {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
}

/** workerd's native pass-through stream, when this runtime has one. */
function nativePair(): NativePair | null {
  const native = (globalThis as { IdentityTransformStream?: new () => NativePair }).IdentityTransformStream;
  return native ? new native() : null;
}

/** `onGone` runs once, when the client goes away before `close` (never after it). */
export function createPushBody(onGone: () => void, clientSignal?: AbortSignal): PushBody {
  let closed = false;
  let gone = false;
  const leave = () => {
    if (gone || closed) return;
    gone = true;
    onGone();
  };
  // Outside workerd, the transformer's cancel hook says at once that the readable side was cancelled.
  const { readable, writable } = nativePair() ?? new TransformStream<Uint8Array, Uint8Array>({ cancel: leave });
  const writer = writable.getWriter();
  // The writable side errors when the readable side is cancelled: the client went away.
  writer.closed.catch(leave);
  if (clientSignal?.aborted) queueMicrotask(leave);
  else clientSignal?.addEventListener("abort", leave, { once: true });
  return {
    readable,
    write(bytes) {
      if (gone || closed) return Promise.reject(new Error("The client is gone."));
      return writer.write(bytes);
    },
    close() {
      if (gone || closed) return;
      closed = true;
      clientSignal?.removeEventListener("abort", leave);
      writer.close().catch(() => undefined);
    },
  };
}
