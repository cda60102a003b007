/**
 * CLI: `npm run sim` (env PORT, default 8790; HOST, default 127.0.0.1). Prints the simulator URL and each
 * provider's base URL, then logs one line per request (no prompt or reply text).
 */
import { PROVIDER_BASE_PATHS } from "./routes.ts";
import { startProviderSimulator } from "./server.ts";

const port = Number(process.env.PORT ?? 8790);
const simulator = await startProviderSimulator({
  port: Number.isInteger(port) ? port : 8790,
  host: process.env.HOST ?? "127.0.0.1",
  log: (line) => console.log(`[provider-sim] ${line}`),
});
console.log(`[provider-sim] listening on ${simulator.url}`);
for (const [provider, basePath] of Object.entries(PROVIDER_BASE_PATHS)) {
  console.log(`[provider-sim]   ${provider.padEnd(9)} ${simulator.url}${basePath}`);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void simulator.close().then(() => process.exit(0));
  });
}
