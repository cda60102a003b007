/**
 * The request's error reporter (services/request-services.ts `RequestErrorReporter`): reads the DSN, the request,
 * the matched route and `waitUntil` from the Hono context and reports failures with status >= 500. Refusals (4xx)
 * are never reported.
 */
import type { Context } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "../app-env.ts";
import { createErrorReporter, isReportedStatus } from "../services/error-reporter/create-error-reporter.ts";
import type { RequestErrorReporter } from "../services/request-services.ts";

export function requestErrorReporter(context: Context<AppEnv>): RequestErrorReporter {
  return {
    serverError(error, status) {
      if (isReportedStatus(status)) capture(context, error, status);
    },
    backgroundFailure(error) {
      capture(context, error, context.res.status);
    },
  };
}

function capture(context: Context<AppEnv>, error: unknown, status: number): void {
  const requestId = context.get("meta")?.requestId ?? "unknown";
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
