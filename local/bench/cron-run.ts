/**
 * Runs the gateway's every-minute cron (usage drain and the other jobs of cron/scheduled.ts) once through the bench
 * workerd's cron trigger worker, and reads what its jobs did from the worker's `scheduled-run` log line (counts only),
 * since the trigger answers with the scheduled handler's outcome, not the jobs' results.
 */

type LogLine = { level: string; message: string };

/** The job results of the first `scheduled-run` line at or after `fromIndex`, or undefined when there is none yet. */
export function scheduledRunResults(lines: readonly LogLine[], fromIndex: number): Record<string, unknown> | undefined {
  for (const line of lines.slice(fromIndex)) {
    try {
      const parsed: unknown = JSON.parse(line.message);
      if (!parsed || typeof parsed !== "object") continue;
      const { event, results } = parsed as { event?: unknown; results?: unknown };
      if (event === "scheduled-run" && results && typeof results === "object") {
        return results as Record<string, unknown>;
      }
    } catch {
      // not a JSON line
    }
  }
  return undefined;
}

/**
 * A function that runs the every-minute cron and resolves with its job results (for example `usage-drained`, the
 * records written), waiting up to `logWaitMs` for the log line, which workerd may print after answering.
 */
export function cronRunner(
  cronTriggerUrl: string,
  loggedLines: () => readonly LogLine[],
  logWaitMs = 3000,
): () => Promise<Record<string, unknown>> {
  return async () => {
    const fromIndex = loggedLines().length;
    const response = await fetch(`${cronTriggerUrl}/?cron=${encodeURIComponent("* * * * *")}`, {
      method: "POST",
      signal: AbortSignal.timeout(120_000),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`the cron trigger answered ${response.status}`);
    const deadline = performance.now() + logWaitMs;
    for (;;) {
      const results = scheduledRunResults(loggedLines(), fromIndex);
      if (results) return results;
      if (performance.now() > deadline) return {};
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
}
