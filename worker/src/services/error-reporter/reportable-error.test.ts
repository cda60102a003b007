import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import { NON_ERROR_NAME, toReportableError, unknownErrorSummary } from "./reportable-error.ts";

const CANARY = "canary-3f9a";

describe("toReportableError", () => {
  it("keeps a GatewayError's message, name and frames", () => {
    const error = new GatewayError("upstream_error", "The upstream provider (deepseek) failed with status 500.");
    const reportable = toReportableError(error);
    expect(reportable.name).toBe("GatewayError");
    expect(reportable.message).toBe(error.message);
    expect(reportable.stack?.split("\n").slice(1)).toEqual(
      error.stack?.split("\n").filter((line) => /^\s+at\s/.test(line)),
    );
    expect(reportable.stack?.split("\n").length).toBeGreaterThan(1);
  });

  it("replaces other errors' messages (and their causes') with the class name, even a message that mimics a frame", () => {
    const cause = new SyntaxError(`Unexpected token in ${CANARY}`);
    const error = new TypeError(`bad input "${CANARY}"\n    at evil (${CANARY}:1:1)`, { cause });
    const reportable = toReportableError(error);
    expect([reportable.name, reportable.message]).toEqual(["TypeError", "TypeError"]);
    expect(reportable.cause).toBeInstanceOf(Error);
    expect([(reportable.cause as Error).name, (reportable.cause as Error).message]).toEqual([
      "SyntaxError",
      "SyntaxError",
    ]);
    expect(JSON.stringify([reportable.stack, (reportable.cause as Error).stack])).not.toContain(CANARY);
    expect(reportable.stack?.split("\n").length).toBeGreaterThan(1);
  });

  it("reports thrown non-Errors by their kind only, and stops on a cause cycle", () => {
    expect(toReportableError(`secret ${CANARY}`).name).toBe(NON_ERROR_NAME);
    expect(JSON.stringify(toReportableError({ prompt: CANARY }).message)).not.toContain(CANARY);
    const looping = new Error(CANARY);
    (looping as { cause?: unknown }).cause = looping;
    let depth = 0;
    for (let current: unknown = toReportableError(looping); current instanceof Error; current = current.cause)
      depth += 1;
    expect(depth).toBeLessThanOrEqual(5);
  });

  it("summarises an unexpected error for the log by name and frames, without a multi-line message (a failed query's params)", () => {
    const error = new Error(`Failed query: update "users" set "name" = $1\nparams: ${CANARY},user_1`);
    const summary = unknownErrorSummary(error);
    expect(summary.name).toBe("Error");
    expect(summary.where).toMatch(/^at /);
    expect(JSON.stringify(summary)).not.toContain(CANARY);
    expect(JSON.stringify(summary)).not.toContain("params");
  });
});
