/**
 * Turns a thrown value into an error that is safe to send to an error tracker. Messages of errors the gateway did not
 * write (a `TypeError` from `JSON.parse`, a driver error, a thrown string) may quote request content, so they are
 * replaced by the class name; only `GatewayError` messages, which are ours, are kept. Stack frames are kept, and
 * `cause` chains are rewritten the same way, because the tracker reports causes as linked exceptions.
 */
import { GatewayError } from "../../errors.ts";

/** Deep enough for our own chains (GatewayError -> fetch error); a cycle cannot recurse forever. */
const MAX_CAUSE_DEPTH = 4;
const MAX_NAME_LENGTH = 100;
const STACK_FRAME_LINE = /^\s+at\s/;

/** Name used for thrown values that are not `Error`s (`throw "text"`, `throw { ... }`). */
export const NON_ERROR_NAME = "NonErrorThrown";

export function toReportableError(thrown: unknown, depth = 0): Error {
  if (!(thrown instanceof Error)) {
    const reportable = new Error(`A non-Error value (${typeof thrown}) was thrown.`);
    reportable.name = NON_ERROR_NAME;
    reportable.stack = NON_ERROR_NAME;
    return reportable;
  }
  const name = errorName(thrown);
  const message = thrown instanceof GatewayError ? thrown.message : name;
  const cause =
    depth < MAX_CAUSE_DEPTH && thrown.cause !== undefined ? toReportableError(thrown.cause, depth + 1) : undefined;
  const reportable = new Error(message, cause ? { cause } : undefined);
  reportable.name = name;
  reportable.stack = [`${name}: ${message}`, ...stackFrameLines(thrown)].join("\n");
  return reportable;
}

/**
 * What the gateway logs about an error it did not expect: its class name and where it was thrown (up to three stack
 * frames), never its message. A driver error's message, which V8 repeats at the top of the stack, can hold the failed
 * query's parameters (a name, an email address).
 */
export function unknownErrorSummary(error: unknown): { name: string; where: string | undefined } {
  const reportable = toReportableError(error);
  const frames = reportable.stack?.split("\n").filter((line) => STACK_FRAME_LINE.test(line)) ?? [];
  return {
    name: reportable.name,
    where:
      frames.length > 0
        ? frames
            .slice(0, 3)
            .map((line) => line.trim())
            .join(" | ")
        : undefined,
  };
}

function errorName(error: Error): string {
  const name = typeof error.name === "string" && error.name ? error.name : error.constructor.name;
  return (name || "Error").slice(0, MAX_NAME_LENGTH);
}

/**
 * The `at ...` lines of a V8 stack. The stack starts with `Name: message`, and the message may span lines, so it is cut
 * out first: a message line that merely looks like a frame cannot slip through.
 */
function stackFrameLines(error: Error): string[] {
  const stack = typeof error.stack === "string" ? error.stack : "";
  const withoutMessage = error.message ? stack.replace(error.message, "") : stack;
  return withoutMessage.split("\n").filter((line) => STACK_FRAME_LINE.test(line));
}
