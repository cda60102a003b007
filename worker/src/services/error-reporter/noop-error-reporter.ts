import type { ErrorReporter } from "./types.ts";

/** The reporter used when no DSN is configured: drops every report. */
export const noopErrorReporter: ErrorReporter = {
  captureException() {},
};
