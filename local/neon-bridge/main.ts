// Standalone Neon-style WebSocket-to-TCP bridge: `PORT=5433 npx tsx local/neon-bridge/main.ts`.
// Point the driver at it with neonConfig.wsProxy = (host, port) => `127.0.0.1:5433/v2?address=${host}:${port}`.
import { startNeonBridge } from "./server.ts";

const port = Number(process.env.PORT ?? 5433);
const bridge = await startNeonBridge({ port, host: process.env.HOST ?? "127.0.0.1" });
console.log(`neon-bridge ready at ${bridge.url}/v2 (loopback targets only)`);

const shutdown = (): void => {
  void bridge.close().then(() => process.exit(0));
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
