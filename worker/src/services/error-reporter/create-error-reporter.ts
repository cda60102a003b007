import { noopErrorReporter } from "./noop-error-reporter.ts";
import { createToucanErrorReporter } from "./toucan-error-reporter.ts";
import type { ErrorReporter, ErrorReporterOptions } from "./types.ts";

/**
 * The reporter for one request: Sentry (through toucan-js) when a DSN is set, otherwise one that drops reports.
 * Created per request because it holds the request's `waitUntil` and tags.
 */
export function createErrorReporter(options: ErrorReporterOptions): ErrorReporter {
  return options.dsn ? createToucanErrorReporter({ ...options, dsn: options.dsn }) : noopErrorReporter;
}

/** Only failures on the gateway's or an upstream's side are reported; refusals of the caller's input (4xx) never. */
export function isReportedStatus(status: number): boolean {
  return status >= 500;
}
