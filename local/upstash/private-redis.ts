import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

/** A redis-server this process started, on a Unix socket of its own (no TCP port, nothing persisted). */
export interface PrivateRedis {
  /** The socket path, usable as an ioredis URL. */
  path: string;
  close(): Promise<void>;
}

/**
 * Starts a private redis-server (the replica of the geo model): its data and its script cache are its own, so
 * flushing or filling it can never touch another user's database on the shared Redis. Rejects when `redis-server`
 * is not installed or does not answer within 5 s.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const directory = mkdtempSync(join(tmpdir(), "omnizen-replica-"));
  const path = join(directory, "redis.sock");
  const child = spawn(
    "redis-server",
    ["--port", "0", "--unixsocket", path, "--save", "", "--appendonly", "no", "--dir", directory],
    { stdio: "ignore" },
  );
  const exited = new Promise<never>((_, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`redis-server exited with code ${code}`)));
  });
  exited.catch(() => undefined);
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await gone;
    }
    rmSync(directory, { recursive: true, force: true });
  };
  const deadline = Date.now() + 5_000;
  for (;;) {
    const probe = new Redis(path, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on("error", () => undefined);
    try {
      await Promise.race([probe.connect().then(() => probe.ping()), exited]);
      probe.disconnect();
      return { path, close };
    } catch (error) {
      probe.disconnect();
      if (child.exitCode !== null || Date.now() > deadline) {
        await close();
        throw error instanceof Error ? error : new Error(String(error));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Copies every key of the Redis at `fromUrl` (its selected database) to `toUrl`, with values (DUMP/RESTORE) and
 * remaining time to live: the replica's starting point. Resolves with the number of keys copied.
 */
export async function copyKeyspace(fromUrl: string, toUrl: string): Promise<number> {
  const source = new Redis(fromUrl, { lazyConnect: true });
  const target = new Redis(toUrl, { lazyConnect: true });
  await Promise.all([source.connect(), target.connect()]);
  let copied = 0;
  try {
    await target.flushdb();
    let cursor = "0";
    do {
      const [next, keys] = await source.scan(cursor, "COUNT", 500);
      cursor = next;
      if (keys.length === 0) continue;
      const reads = source.pipeline();
      for (const key of keys) reads.dumpBuffer(key).pttl(key);
      const replies = (await reads.exec()) ?? [];
      const writes = target.pipeline();
      keys.forEach((key, index) => {
        const dump = replies[index * 2]?.[1] as Buffer | null;
        const ttl = Number(replies[index * 2 + 1]?.[1] ?? -1);
        if (dump === null || ttl === -2) return;
        writes.restore(key, ttl > 0 ? ttl : 0, dump, "REPLACE");
        copied += 1;
      });
      await writes.exec();
    } while (cursor !== "0");
  } finally {
    source.disconnect();
    target.disconnect();
  }
  return copied;
}
