/**
 * Bounds every wait on an upstream body: each read must bring bytes (or the end) within `timeoutMs`, or the upstream
 * call is aborted and the body fails with `upstream_timeout`. The bound runs only while somebody waits for bytes, so
 * a client that reads slowly is never cut off; an upstream that stalls after its headers or between two chunks is.
 *
 * One timer per body, not one per read (a stream of back-to-back chunks set and cleared a timer, and raced a promise,
 * for every chunk): a read notes when it started waiting; the timer, when it fires, fails the body if the read in
 * progress has waited `timeoutMs`, sets itself again for the rest of the wait if a read is still waiting, and is set
 * again by the next read otherwise.
 */
import { GatewayError } from "../errors.ts";

/** A reader of a guarded body: `read` fails with `upstream_timeout` when one wait reaches the bound. */
export interface GuardedReader {
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  cancel(reason?: unknown): Promise<void>;
}

/**
 * The guarded bodies' own readers: a stream body that reads the upstream itself takes this one (`guardedReaderOf`)
 * instead of reading the guarded stream, which would add a JavaScript stream stage, its pull and its promise, to every
 * chunk of the answer.
 */
const directReaders = new WeakMap<ReadableStream<Uint8Array>, () => GuardedReader>();

/** The reader that reads `body` (a stream `guardIdleBody` made) without its stream stage, once; null otherwise. */
export function guardedReaderOf(body: ReadableStream<Uint8Array>): GuardedReader | null {
  const open = directReaders.get(body);
  directReaders.delete(body);
  return open ? open() : null;
}

function guardReader(
  body: ReadableStream<Uint8Array>,
  timeoutMs: number,
  abort: AbortController,
  provider: string,
): GuardedReader {
  const reader = body.getReader();
  /** When the read in progress started waiting; null while nobody waits for bytes. */
  let waitingSince: number | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settled = false;
  /** Why the guard stopped the body: a read then fails with it. */
  let failure: unknown;

  const stop = (error: unknown) => {
    if (settled) return;
    settled = true;
    failure = error;
    clearTimeout(timer);
    abort.abort(error);
    reader.cancel(error).catch(() => undefined);
  };
  const check = () => {
    timer = undefined;
    if (waitingSince === null || settled) return;
    const left = waitingSince + timeoutMs - Date.now();
    if (left > 0) timer = setTimeout(check, left);
    else
      stop(
        new GatewayError("upstream_timeout", `The upstream provider (${provider}) sent nothing for ${timeoutMs} ms.`),
      );
  };

  // One handler pair for every read (no async wrapper, closure or try/finally per read of a stream's every chunk).
  const onRead = (result: ReadableStreamReadResult<Uint8Array>) => {
    waitingSince = null;
    if (failure !== undefined) throw failure;
    if (result.done) {
      settled = true;
      clearTimeout(timer);
    }
    return result;
  };
  const onFailure = (error: unknown): never => {
    waitingSince = null;
    stop(error);
    throw failure ?? error;
  };

  return {
    read() {
      if (failure !== undefined) return Promise.reject(failure);
      waitingSince = Date.now();
      timer ??= setTimeout(check, timeoutMs);
      return reader.read().then(onRead, onFailure);
    },
    cancel(reason) {
      settled = true;
      clearTimeout(timer);
      return reader.cancel(reason).catch(() => undefined);
    },
  };
}

/** `body` under the guard, as a stream; a stream body can read it without the stream stage (`guardedReaderOf`). */
export function guardIdleBody(
  body: ReadableStream<Uint8Array>,
  timeoutMs: number,
  abort: AbortController,
  provider: string,
): ReadableStream<Uint8Array> {
  let reader: GuardedReader | undefined;
  const open = () => (reader ??= guardReader(body, timeoutMs, abort, provider));
  const guarded = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await open().read();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          controller.error(error);
        }
      },
      cancel(reason) {
        return open().cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  directReaders.set(guarded, open);
  return guarded;
}
