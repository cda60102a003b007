/**
 * Bounds every wait on an upstream body: each read must bring bytes (or the end) within `timeoutMs`, or the upstream
 * call is aborted and the body fails with `upstream_timeout`. The timer runs only while somebody waits for bytes, so
 * a client that reads slowly is never cut off; an upstream that stalls after its headers or between two chunks is.
 */
import { GatewayError } from "../errors.ts";

export function guardIdleBody(
  body: ReadableStream<Uint8Array>,
  timeoutMs: number,
  abort: AbortController,
  provider: string,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const idle = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new GatewayError(
                  "upstream_timeout",
                  `The upstream provider (${provider}) sent nothing for ${timeoutMs} ms.`,
                ),
              ),
            timeoutMs,
          );
        });
        const reading = reader.read();
        reading.catch(() => undefined);
        try {
          const { done, value } = await Promise.race([reading, idle]);
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          abort.abort(error);
          reader.cancel(error).catch(() => undefined);
          controller.error(error);
        } finally {
          clearTimeout(timer);
        }
      },
      cancel(reason) {
        return reader.cancel(reason).catch(() => undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
