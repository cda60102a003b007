import { Redis } from "ioredis";
import { checkRestCommand } from "./backend.ts";
import type { CommandBackend } from "./backend.ts";
import { CommandError, errorText, normalizeReply } from "./reply.ts";
import type { CommandOutcome, ReplyValue } from "./reply.ts";

/**
 * ioredis applies reply transformers (e.g. HGETALL → object) keyed by the lower-case command name. Sending the name
 * upper-cased bypasses them, so replies arrive exactly as Redis sent them; Redis itself ignores the case.
 */
function wireName(name: string): string {
  return name.toUpperCase();
}

function toCommandError(error: unknown): CommandError {
  return error instanceof CommandError ? error : new CommandError(errorText(error));
}

/** Probes the Redis at `url` with a single attempt; resolves true if it answered PING within `timeoutMs`. */
export async function isRedisReachable(url: string, timeoutMs: number): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  probe.on("error", () => {});
  try {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("timeout")), timeoutMs).unref(),
    );
    await Promise.race([probe.connect().then(() => probe.ping()), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Creates a backend over a real Redis. Replies are read as Buffers (callBuffer), so values are passed through
 * byte for byte. Reconnects automatically if Redis restarts; commands issued meanwhile wait in ioredis's queue.
 */
export async function connectRedisBackend(url: string, log: (line: string) => void): Promise<CommandBackend> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  let lastErrorLogged = 0;
  client.on("error", (error: Error) => {
    if (Date.now() - lastErrorLogged > 5_000) {
      lastErrorLogged = Date.now();
      log(`[upstash] redis connection error: ${error.message}`);
    }
  });
  await client.connect();

  return {
    kind: "redis",
    async execute(command: string[]): Promise<ReplyValue> {
      checkRestCommand(command);
      const [name = "", ...commandArguments] = command;
      try {
        return normalizeReply(await client.callBuffer(wireName(name), ...commandArguments));
      } catch (error) {
        throw toCommandError(error);
      }
    },
    async executeTransaction(commands: string[][]): Promise<CommandOutcome[]> {
      for (const command of commands) checkRestCommand(command);
      const transaction = client.multi();
      for (const [name = "", ...commandArguments] of commands) {
        transaction.callBuffer(wireName(name), ...commandArguments);
      }
      let replies: [Error | null, unknown][] | null;
      try {
        replies = await transaction.exec();
      } catch (error) {
        throw toCommandError(error);
      }
      if (replies === null) throw new CommandError("EXECABORT Transaction discarded");
      return replies.map(([error, reply]) => (error ? { error: errorText(error) } : { result: normalizeReply(reply) }));
    },
    async close(): Promise<void> {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
