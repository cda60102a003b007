/**
 * `npm run dev`: the whole stack on one machine, with no accounts or keys.
 * Postgres (DATABASE_URL, else 127.0.0.1:5432, else embedded PGlite) with migrations and a seeded user, the Neon
 * wsproxy bridge, the Upstash REST stand-in in front of Redis (REDIS_URL), the provider simulator, the gateway in
 * workerd through `wrangler dev` on :8787 and the SPA's Vite dev server on :5173. Ctrl-C stops everything.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EPS_VARIABLES } from "../worker/src/env.ts";
import { generateApiKey, isWellFormedApiKey } from "../worker/src/lib/api-key.ts";
import { PASSTHROUGH_VARIABLES, loadDevEnvironment } from "./dev-vars.ts";
import { reapStale, startProcess, stopAll, writeEnvFile, writePidFile, type ManagedProcess } from "./processes.ts";
import { seedDevUser } from "./seed.ts";
import { startStack, type Stack } from "./stack.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const dataDir = `${root}.local-data`;
const GATEWAY_PORT = Number(process.env.OMNIZEN_GATEWAY_PORT ?? 8787);
const SPA_PORT = Number(process.env.OMNIZEN_SPA_PORT ?? 5173);
const pidFile = `${dataDir}/dev-${GATEWAY_PORT}.pids`;

const log = (line: string) => console.log(`[dev] ${line}`);

/** Taken from the environment (or .dev.vars) when a real Clerk instance is used locally. */
const CLERK_VARIABLES = [
  "CLERK_JWT_KEY",
  "CLERK_ISSUER",
  "CLERK_AUTHORIZED_PARTIES",
  "CLERK_WEBHOOK_SIGNING_SECRET",
  "CLERK_API_URL",
] as const;

function devApiKey(env: NodeJS.ProcessEnv): string {
  const fixed = env.OMNIZEN_DEV_API_KEY;
  if (fixed) {
    if (!isWellFormedApiKey(fixed))
      throw new Error("OMNIZEN_DEV_API_KEY must look like sk-omni- followed by 40 letters or digits");
    return fixed;
  }
  // Stable across restarts: generated once, kept in the gitignored data folder.
  const file = `${dataDir}/dev-api-key`;
  if (existsSync(file)) {
    const saved = readFileSync(file, "utf8").trim();
    if (isWellFormedApiKey(saved)) return saved;
  }
  const key = generateApiKey();
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`the process serving ${url} exited`);
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const running = reapStale(pidFile, log);
  if (running) {
    console.error(
      `[dev] omnizen dev is already running on port ${GATEWAY_PORT} (pid ${running.runningPid}). ` +
        "Stop it with Ctrl-C (or `kill " +
        running.runningPid +
        "`), or start another copy with other ports (docs/configuration.md: OMNIZEN_GATEWAY_PORT ...).",
    );
    process.exit(1);
  }
  writePidFile(pidFile, []);
  // OMNIZEN_DEV_VARS_FILE names another file ("" = none): the end-to-end test keeps a developer's secrets out.
  const env = loadDevEnvironment(process.env.OMNIZEN_DEV_VARS_FILE ?? `${root}.dev.vars`, process.env);
  const processes: ManagedProcess[] = [];
  let stack: Stack | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log("stopping…");
    await stopAll(processes);
    await stack?.close();
    rmSync(pidFile, { force: true });
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    stack = await startStack({
      dataDir: `${dataDir}/pglite`,
      upstashToken: env.UPSTASH_REDIS_REST_TOKEN ?? randomBytes(16).toString("hex"),
      promptCacheSecret: env.PROMPT_CACHE_SECRET ?? randomBytes(32).toString("hex"),
      ports: {
        bridge: Number(env.NEON_BRIDGE_PORT ?? 5488),
        upstash: Number(env.UPSTASH_PORT ?? 8079),
        simulator: Number(env.PROVIDER_SIM_PORT ?? 8790),
        eps: Number(env.EPS_SIM_PORT ?? 8791),
        stripe: Number(env.STRIPE_SIM_PORT ?? 12111),
      },
      epsIpnUrl: `http://127.0.0.1:${GATEWAY_PORT}/webhooks/eps`,
      stripeWebhookUrl: `http://127.0.0.1:${GATEWAY_PORT}/webhooks/stripe`,
      database: env.OMNIZEN_DEV_DATABASE ?? "omnizen",
      useRealProviderKeys: true,
      env,
      log,
    });
    const apiKey = devApiKey(env);
    const seeded = await seedDevUser(stack.databaseUrl, apiKey);
    log(`seeded the local user (${seeded.userId}) with ${(seeded.creditMicroUsd / 1e6).toFixed(2)} USD of credit`);

    const bindings: Record<string, string> = {
      OMNIZEN_ENV: "development",
      ...stack.workerBindings,
      CLERK_AUTHORIZED_PARTIES: `http://127.0.0.1:${SPA_PORT},http://localhost:${SPA_PORT}`,
      // The dev sign-in answers only requests addressed to this port on a loopback name (DNS rebinding).
      DEV_GATEWAY_PORT: String(GATEWAY_PORT),
    };
    for (const name of PASSTHROUGH_VARIABLES) if (env[name]) bindings[name] = env[name] ?? "";
    // A real Stripe test key in .dev.vars replaces the simulator (its webhooks come through `stripe listen`).
    if (env.STRIPE_SECRET_KEY) delete bindings.STRIPE_API_BASE;
    // A real Clerk development instance (CLERK_JWT_KEY in .dev.vars) replaces the local key pair and dev sign-in.
    if (env.CLERK_JWT_KEY) {
      delete bindings.DEV_SIGNING_KEY;
      for (const name of CLERK_VARIABLES) if (env[name]) bindings[name] = env[name] ?? "";
    }
    // A real EPS sandbox (EPS_BASE_URL and the other EPS_* in .dev.vars) replaces the simulator's credentials.
    if (env.EPS_BASE_URL) for (const name of EPS_VARIABLES) bindings[name] = env[name] ?? "";
    const envFile = `${dataDir}/worker-${GATEWAY_PORT}.env`;
    writeEnvFile(envFile, bindings);
    const childEnv = {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_SEND_ERROR_REPORTS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      OMNIZEN_GATEWAY_URL: `http://127.0.0.1:${GATEWAY_PORT}`,
    };
    const gateway = startProcess(
      "gateway",
      "wrangler",
      [
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String(GATEWAY_PORT),
        "--show-interactive-dev-session=false",
        "--test-scheduled",
        "--env-file",
        envFile,
      ],
      childEnv,
      (line) => console.log(`[gateway] ${line}`),
    );
    processes.push(gateway);
    const spa = startProcess(
      "spa",
      "vite",
      ["web", "--host", "127.0.0.1", "--port", String(SPA_PORT), "--strictPort"],
      childEnv,
      (line) => console.log(`[spa] ${line}`),
    );
    processes.push(spa);
    writePidFile(
      pidFile,
      processes.map((entry) => entry.child.pid ?? 0),
    );
    for (const entry of processes) {
      entry.child.once("exit", (code) => {
        if (!stopping) {
          log(`${entry.name} exited (${code ?? "signal"}); stopping the stack`);
          void shutdown(1);
        }
      });
    }
    await waitForHttp(`http://127.0.0.1:${GATEWAY_PORT}/healthz`, 60_000, () => gateway.child.exitCode === null);
    await waitForHttp(`http://127.0.0.1:${SPA_PORT}/`, 60_000, () => spa.child.exitCode === null);
    // Locally the cron trigger runs every 2 s (production: every minute), so usage rows appear promptly.
    const cron = setInterval(() => {
      fetch(`http://127.0.0.1:${GATEWAY_PORT}/__scheduled?cron=*+*+*+*+*`).then(
        (response) => response.arrayBuffer(),
        () => undefined,
      );
    }, 2000);
    process.once("exit", () => clearInterval(cron));

    const simulated = stack.providers
      .filter((provider) => provider.source === "simulator")
      .map((provider) => provider.provider);
    const real = stack.providers.filter((provider) => provider.source === "real").map((provider) => provider.provider);
    console.log(
      [
        "",
        "omnizen is running",
        `  gateway             http://127.0.0.1:${GATEWAY_PORT}/v1   (OpenAI-compatible; GET /v1/models)`,
        `  dashboard (SPA)     http://127.0.0.1:${SPA_PORT}`,
        `  provider simulator  ${stack.simulatorUrl}   (answers for: ${simulated.join(", ") || "none"})`,
        `  stripe simulator    ${env.STRIPE_SECRET_KEY ? "off (STRIPE_SECRET_KEY set: real Stripe)" : stack.stripeSimUrl}`,
        ...(real.length ? [`  real providers      ${real.join(", ")}`] : []),
        `  EPS                 ${env.EPS_BASE_URL ? "your EPS sandbox (.dev.vars)" : `simulator ${stack.epsSimulatorUrl}`}`,
        `  postgres            ${stack.postgresKind}: ${stack.databaseUrl.replace(/:[^:@/]+@/, ":***@")}`,
        `  upstash stand-in    ${stack.upstashUrl}   (backend: ${stack.upstashBackend})`,
        `  API key             ${apiKey}`,
        `  dashboard token     ${bindings.DEV_SIGNING_KEY ? "npm run token   (a session token for the local user, for /api/*)" : "from your Clerk instance"}`,
        "",
        `  try: curl http://127.0.0.1:${GATEWAY_PORT}/v1/chat/completions -H "Authorization: Bearer ${apiKey}" \\`,
        `         -H "content-type: application/json" -d '{"model":"deepseek/deepseek-flash","messages":[{"role":"user","content":"Hello"}]}'`,
        "",
        "Ctrl-C stops everything.",
      ].join("\n"),
    );
  } catch (error) {
    console.error(`[dev] failed to start: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}

void main();
