/**
 * Reads the gateway isolate's JavaScript heap through workerd's inspector (`workerd serve --inspector-addr`): a full
 * garbage collection, then the heap in use, so a number that grows from window to window is live memory (a leak)
 * rather than garbage not yet collected. Chrome DevTools Protocol: HeapProfiler.collectGarbage,
 * Runtime.getHeapUsage (https://chromedevtools.github.io/devtools-protocol/).
 */
import { createServer } from "node:net";
import { WebSocket } from "ws";

/** A free loopback port for the inspector. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

export interface HeapReader {
  /** MiB of JavaScript heap in use after a full collection, and MiB V8 holds for the heap (committed). */
  liveHeapMib(): Promise<{ mib: number; committedMib: number }>;
  close(): void;
}

export async function connectHeapReader(port: number, workerName: string): Promise<HeapReader> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{
    id: string;
    title?: string;
    webSocketDebuggerUrl?: string;
  }>;
  const target =
    targets.find((entry) => entry.title?.includes(workerName) || entry.id.includes(workerName)) ?? targets[0];
  const url = target?.webSocketDebuggerUrl ?? (target ? `ws://127.0.0.1:${port}/${target.id}` : undefined);
  if (!url) throw new Error("the inspector lists no worker");
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const call = (method: string) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method }));
    });
  return {
    async liveHeapMib() {
      await call("HeapProfiler.collectGarbage");
      const usage = (await call("Runtime.getHeapUsage")) as { usedSize?: number; totalSize?: number } | undefined;
      return {
        mib: (usage?.usedSize ?? Number.NaN) / 2 ** 20,
        committedMib: (usage?.totalSize ?? Number.NaN) / 2 ** 20,
      };
    },
    close: () => socket.close(),
  };
}
