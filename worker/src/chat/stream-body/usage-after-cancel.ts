/**
 * What a stream does when its client goes away (docs/upstream-faults.md):
 * - the answer is complete (a finish reason was sent) but the upstream's usage report has not arrived yet: keep
 *   reading the upstream in the background, discarding content, for at most USAGE_WAIT_MS and USAGE_WAIT_BYTES, to
 *   bill the provider's own numbers (OpenAI-dialect usage chunk, Anthropic `message_delta`/`message_stop`); then
 *   abort. Nothing more is generated at that point, so waiting costs nothing;
 * - otherwise (mid-generation, or usage already known): abort the upstream at once, so nothing more is generated
 *   or paid for, and bill an estimate of what was generated so far (`usage_source = estimated`).
 */

/** How long a stream keeps reading after its client left, waiting for the usage report. */
export const USAGE_WAIT_MS = 5_000;
/** How many upstream bytes it reads at most while waiting. */
export const USAGE_WAIT_BYTES = 64 * 1024;

/** True when the rule above says to keep reading: the content has ended and only the usage is missing. */
export function shouldWaitForUsage(state: { contentEnded: boolean; usageKnown: boolean; ended: boolean }): boolean {
  return state.contentEnded && !state.usageKnown && !state.ended;
}

/**
 * Waits for `inFlight` (a read the stream had already started), then calls `step` (one upstream read; resolves to
 * the bytes it read) until `done()`, the time bound or the byte bound. Never throws: a failed read ends the wait.
 */
export async function keepReadingForUsage(
  inFlight: Promise<unknown>,
  step: () => Promise<number>,
  done: () => boolean,
  limits = { milliseconds: USAGE_WAIT_MS, bytes: USAGE_WAIT_BYTES },
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), limits.milliseconds);
  });
  try {
    if (
      (await Promise.race([
        inFlight.then(
          () => 0,
          () => 0,
        ),
        timeout,
      ])) === "timeout"
    )
      return;
    let bytes = 0;
    while (!done() && bytes < limits.bytes) {
      const reading = step();
      reading.catch(() => undefined);
      const result = await Promise.race([reading, timeout]);
      if (result === "timeout") return;
      bytes += result;
    }
  } catch {
    // The upstream failed while we waited: the usage stays unknown and is estimated.
  } finally {
    clearTimeout(timer);
  }
}
