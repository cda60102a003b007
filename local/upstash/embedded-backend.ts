import type { Redis } from "ioredis";
import RedisMock from "ioredis-mock";
import { checkRestCommand } from "./backend.ts";
import type { CommandBackend } from "./backend.ts";
import { findGuardViolation } from "./embedded-guards.ts";
import type { KeyInspector } from "./embedded-guards.ts";
import { normalizeOptionCase } from "./embedded-options.ts";
import { EmbeddedScripts, scriptingCommands } from "./embedded-scripts.ts";
import { CommandError, errorText, normalizeReply } from "./reply.ts";
import type { CommandOutcome, ReplyValue } from "./reply.ts";

type MockMethod = (...commandArguments: string[]) => Promise<unknown>;

/** ioredis-mock's commands are methods named after the lower-case command. */
function mockMethod(mock: Redis, name: string): MockMethod | undefined {
  if (!Object.hasOwn(mock, name)) return undefined;
  const candidate: unknown = (mock as unknown as Record<string, unknown>)[name];
  return typeof candidate === "function" ? (candidate as MockMethod).bind(mock) : undefined;
}

function unknownCommand(command: readonly string[]): CommandError {
  const shown = command
    .slice(1, 4)
    .map((argument) => `'${argument.slice(0, 128)}'`)
    .join(" ");
  return new CommandError(`ERR unknown command '${command[0] ?? ""}', with args beginning with: ${shown} `);
}

/**
 * Creates an in-process store (ioredis-mock) behind the same interface as real Redis. Guarantees: commands run one
 * at a time in arrival order (a transaction holds the queue for its whole batch, so MULTI/EXEC is atomic), Redis's
 * WRONGTYPE / integer checks apply (see embedded-guards.ts), scripting works through EmbeddedScripts, and commands
 * the mock lacks fail with an `ERR` naming the gap instead of misbehaving. Data lives only as long as the process.
 */
export function createEmbeddedBackend(): CommandBackend {
  // A unique port keeps this instance's data apart from any other ioredis-mock in the process (it shares by host:port).
  const mock = new RedisMock({ host: "omnizen-embedded", port: Math.floor(Math.random() * 1_000_000_000) });
  const scripts = new EmbeddedScripts((chunk, numberOfKeys, ...rest) => mock.eval(chunk, numberOfKeys, ...rest));
  const inspector: KeyInspector = {
    type: async (key) => String(await mock.type(key)),
    get: async (key) => {
      const value: unknown = await mock.get(key);
      return value === null || value === undefined ? null : String(value);
    },
  };
  let queue: Promise<unknown> = Promise.resolve();

  function exclusively<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  /** Validates a command without running it: the errors Redis reports while queueing inside MULTI. */
  function resolveCommand(command: readonly string[]): { name: string; method?: MockMethod } {
    const name = checkRestCommand(command);
    if (scriptingCommands.has(name)) return { name };
    const method = mockMethod(mock, name);
    if (method === undefined) throw unknownCommand(command);
    return { name, method };
  }

  async function runResolved(command: readonly string[], name: string, method?: MockMethod): Promise<ReplyValue> {
    if (method === undefined) return scripts.execute(name, command);
    const violation = await findGuardViolation(command, inspector);
    if (violation !== undefined) throw new CommandError(violation);
    try {
      return normalizeReply(await method(...normalizeOptionCase(command).slice(1)));
    } catch (error) {
      if (error instanceof TypeError && error.message.startsWith("Unsupported command")) {
        throw new CommandError(`ERR command '${name}' is not supported by the embedded backend (ioredis-mock)`);
      }
      throw new CommandError(errorText(error));
    }
  }

  return {
    kind: "embedded",
    execute(command: string[]): Promise<ReplyValue> {
      return exclusively(() => {
        const { name, method } = resolveCommand(command);
        return runResolved(command, name, method);
      });
    },
    executeTransaction(commands: string[][]): Promise<CommandOutcome[]> {
      return exclusively(async () => {
        let resolved: { name: string; method?: MockMethod }[];
        try {
          resolved = commands.map((command) => resolveCommand(command));
        } catch {
          throw new CommandError("EXECABORT Transaction discarded because of previous errors.");
        }
        const outcomes: CommandOutcome[] = [];
        for (const [index, command] of commands.entries()) {
          const { name, method } = resolved[index] ?? { name: "" };
          try {
            outcomes.push({ result: await runResolved(command, name, method) });
          } catch (error) {
            outcomes.push({ error: errorText(error) });
          }
        }
        return outcomes;
      });
    },
    async close(): Promise<void> {
      await exclusively(async () => {
        await mock.flushall();
        mock.disconnect();
      });
    },
  };
}
