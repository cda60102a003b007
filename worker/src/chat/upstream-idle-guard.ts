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

export function guardIdleBody(
  body: ReadableStream<Uint8Array>,
  timeoutMs: number,
  abort: AbortController,
  provider: string,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  /** When the read in progress started waiting; null while nobody waits for bytes. */
  let waitingSince: number | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settled = false;

  const stop = (error: unknown) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    abort.abort(error);
    reader.cancel(error).catch(() => undefined);
    controller?.error(error);
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

  return new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController;
      },
      async pull(streamController) {
        waitingSince = Date.now();
        timer ??= setTimeout(check, timeoutMs);
        try {
          const { done, value } = await reader.read();
          if (settled) return;
          if (!done) return streamController.enqueue(value);
          settled = true;
          clearTimeout(timer);
          streamController.close();
        } catch (error) {
          stop(error);
        } finally {
          waitingSince = null;
        }
      },
      cancel(reason) {
        settled = true;
        clearTimeout(timer);
        return reader.cancel(reason).catch(() => undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
