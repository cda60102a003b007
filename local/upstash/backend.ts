import { CommandError } from "./reply.ts";
import type { CommandOutcome, ReplyValue } from "./reply.ts";

/** Which store answers the commands. */
export type BackendKind = "redis" | "embedded";

/** What the HTTP layer needs from a store. A command is `[name, ...arguments]`, all strings. */
export interface CommandBackend {
  readonly kind: BackendKind;
  /** Runs one command; resolves with its reply or rejects with a CommandError carrying Redis's error text. */
  execute(command: string[]): Promise<ReplyValue>;
  /**
   * Runs the commands as one MULTI/EXEC transaction. Resolves with one outcome per command (runtime errors stay
   * per command, like Redis); rejects with a CommandError (e.g. EXECABORT) when the whole transaction is discarded.
   */
  executeTransaction(commands: string[][]): Promise<CommandOutcome[]>;
  close(): Promise<void>;
}

/**
 * Commands that would change the state of the shared connection (or never return) and so cannot be served over a
 * stateless REST call. Upstash serves MULTI/EXEC through /multi-exec and SUBSCRIBE/MONITOR through SSE endpoints.
 */
const connectionStateCommands = new Set([
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "unsubscribe",
  "punsubscribe",
  "sunsubscribe",
  "monitor",
  "multi",
  "exec",
  "discard",
  "watch",
  "unwatch",
  "select",
  "swapdb",
  "hello",
  "auth",
  "reset",
  "quit",
  "sync",
  "psync",
  "replicaof",
  "slaveof",
  "shutdown",
  "debug",
  "client",
]);

/** Throws a CommandError if the command cannot be served over REST; returns the lower-cased command name. */
export function checkRestCommand(command: readonly string[]): string {
  const name = command[0];
  if (name === undefined || name === "") throw new CommandError("ERR empty command");
  const lowerName = name.toLowerCase();
  if (connectionStateCommands.has(lowerName)) {
    throw new CommandError(`ERR Command is not available over REST: '${lowerName}'`);
  }
  return lowerName;
}
