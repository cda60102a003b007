import { noopErrorReporter } from "./noop-error-reporter.ts";
import type { ErrorReporter, ErrorReporterOptions } from "./types.ts";

type ToucanModule = typeof import("./toucan-error-reporter.ts");

/** toucan-js and Sentry's core, imported on the first report, so they stay off a fresh isolate's start. */
let toucanModule: Promise<ToucanModule> | undefined;

function loadToucan(): Promise<ToucanModule> {
  toucanModule ??= import("./toucan-error-reporter.ts").catch((error: unknown) => {
    toucanModule = undefined; // not kept: the next report tries again
    throw error;
  });
  return toucanModule;
}

/**
 * The reporter for one request: Sentry (through toucan-js) when a DSN is set, otherwise one that drops reports.
 * Created per request because it holds the request's `waitUntil` and tags. With a DSN, each report is one
 * `waitUntil` that loads toucan-js on first use (docs/cold-start.md), captures, and settles once the send has.
 */
export function createErrorReporter(options: ErrorReporterOptions): ErrorReporter {
  const dsn = options.dsn;
  if (!dsn) return noopErrorReporter;
  return {
    captureException(error, context) {
      const report = loadToucan().then(async (module) => {
        const sends: Promise<unknown>[] = [];
        module
          .createToucanErrorReporter({ ...options, dsn, executionContext: { waitUntil: (send) => sends.push(send) } })
          .captureException(error, context);
        await Promise.allSettled(sends);
      });
      options.executionContext.waitUntil(
        report.catch((failure: unknown) => {
          const name = failure instanceof Error ? failure.name : typeof failure;
          console.error(JSON.stringify({ event: "error-report-failed", requestId: context.requestId, name }));
        }),
      );
    },
  };
}

/** Only failures on the gateway's or an upstream's side are reported; refusals of the caller's input (4xx) never. */
export function isReportedStatus(status: number): boolean {
  return status >= 500;
}
