/**
 * The error-reporting port. The gateway reports failures that are its own fault or its upstreams' (status >= 500) to
 * an error tracker; it never reports refusals of bad input (4xx). Implementations: `toucan-error-reporter.ts`
 * (Sentry) and `noop-error-reporter.ts` (no DSN configured).
 */

/** What a report is tagged with: enough to find the request again, nothing the caller sent. */
export interface ErrorReportContext {
  /** The `x-request-id` the caller received. */
  requestId: string;
  /** The matched route pattern with the method, e.g. `POST /v1/chat/completions` (patterns, never raw paths). */
  route: string;
  /** The HTTP status the caller received. */
  status: number;
}

export interface ErrorReporter {
  /**
   * Reports one exception. Never throws and never blocks the response: sending happens in the background through the
   * request's `waitUntil`. The error's message is kept only for the gateway's own `GatewayError`s; any other error is
   * reported by class name and stack frames, because its message may quote request content.
   */
  captureException(error: unknown, context: ErrorReportContext): void;
}

/** The part of a Workers `ExecutionContext` a reporter needs. */
export interface BackgroundWork {
  waitUntil(promise: Promise<unknown>): void;
}

export interface ErrorReporterOptions {
  /** The Sentry DSN; without one, reports go nowhere. */
  dsn: string | undefined;
  /** Keeps the isolate alive until the report is sent. */
  executionContext: BackgroundWork;
  /** The incoming request: only its method, URL without query string and two allowlisted headers are reported. */
  request: Request;
  /** `production`, `development` or `test`: Sentry's environment. */
  environment: string;
}
