/**
 * The glue between `app.onError` and the reporter: reads the DSN, the request and its `waitUntil` from the Hono
 * context and reports failures with status >= 500. Refusals (4xx) are never reported.
 */
import type { Context } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "../../app-env.ts";
import { createErrorReporter, isReportedStatus } from "./create-error-reporter.ts";

/** Reports `error` when `status` is a server-side failure. Never throws. */
export function reportServerError(context: Context<AppEnv>, error: unknown, status: number): void {
  if (!isReportedStatus(status)) return;
  capture(context, error, status);
}

/**
 * Reports a failure of work done after the response (in `waitUntil`), e.g. a settlement that could not be
 * completed; tagged with the status the caller received. Never throws.
 */
export function reportBackgroundFailure(context: Context<AppEnv>, error: unknown): void {
  capture(context, error, context.res.status);
}

function capture(context: Context<AppEnv>, error: unknown, status: number): void {
  const requestId = context.get("requestId") ?? "unknown";
  try {
    // `config` is missing when the configuration itself failed to load: that is worth a report, so fall back to the
    // raw binding when it is a URL.
    const config = context.get("config") as AppEnv["Variables"]["config"] | undefined;
    createErrorReporter({
      dsn: config ? config.SENTRY_DSN : rawDsn(context.env.SENTRY_DSN),
      environment: config?.OMNIZEN_ENV ?? "unconfigured",
      executionContext: context.executionCtx,
      request: context.req.raw,
    }).captureException(error, { requestId, route: `${context.req.method} ${routePath(context, -1)}`, status });
  } catch (failure) {
    const name = failure instanceof Error ? failure.name : typeof failure;
    console.error(JSON.stringify({ event: "error-report-failed", requestId, name }));
  }
}

function rawDsn(value: unknown): string | undefined {
  return typeof value === "string" && URL.canParse(value) ? value : undefined;
}
