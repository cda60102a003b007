/**
 * The Sentry implementation of {@link ErrorReporter}, on toucan-js 4.1.1 (https://github.com/robertcepa/toucan-js).
 *
 * toucan-js is deprecated upstream in favour of `@sentry/cloudflare`; it stays here because it collects the least by
 * default (https://github.com/robertcepa/toucan-js). Nothing outside this file imports it, so swapping it
 * means writing one more implementation of the port. `@sentry/cloudflare` captures POST bodies, cookies, headers and
 * query strings by default and must be locked down with `dataCollection` if it replaces this.
 *
 * Privacy (policy section 6): the request body is never attached (no `setRequestBody`, ever: the body is the prompt);
 * only the method, the URL without its query string and the `cf-ray` header are collected; no cookies, no IP, no
 * user agent. `beforeSend` removes those fields again and masks keys and bearer tokens anywhere in the event.
 */
import { Toucan, type Options } from "toucan-js";
import { GatewayError } from "../../errors.ts";
import { toReportableError } from "./reportable-error.ts";
import { REPORTED_HEADERS, scrubSentryEvent } from "./scrub-sentry-event.ts";
import type { ErrorReportContext, ErrorReporter, ErrorReporterOptions } from "./types.ts";

const REQUEST_DATA_OPTIONS = {
  allowedHeaders: [...REPORTED_HEADERS],
  allowedSearchParams: false,
  allowedCookies: false,
  allowedIps: false,
} satisfies Options["requestDataOptions"];

export function createToucanErrorReporter(options: ErrorReporterOptions & { dsn: string }): ErrorReporter {
  const sentry = new Toucan({
    dsn: options.dsn,
    environment: options.environment,
    // Sends through the request's waitUntil, so the response never waits for Sentry.
    context: options.executionContext,
    // Read for the method, URL and allowlisted headers only (requestDataOptions); its body is never read.
    request: options.request,
    requestDataOptions: REQUEST_DATA_OPTIONS,
    sendDefaultPii: false,
    beforeBreadcrumb: () => null,
    beforeSend: (event) => scrubSentryEvent(event),
  });
  return {
    captureException(error: unknown, context: ErrorReportContext): void {
      try {
        sentry.setTag("request_id", context.requestId);
        sentry.setTag("route", context.route);
        sentry.setTag("status", String(context.status));
        if (error instanceof GatewayError) sentry.setTag("error_code", error.code);
        sentry.captureException(toReportableError(error));
      } catch (failure) {
        // Reporting must never turn one failure into two; say that it failed, not what it carried.
        const name = failure instanceof Error ? failure.name : typeof failure;
        console.error(JSON.stringify({ event: "error-report-failed", requestId: context.requestId, name }));
      }
    },
  };
}
