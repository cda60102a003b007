/**
 * What the browser tests drive, started on free ports (never the dev ports): the local stack as `npm run dev` starts
 * it (Postgres through the Neon bridge, Redis through the Upstash stand-in, the provider simulator; local/stack.ts),
 * the fake Clerk Backend API and Sentry, the gateway in workerd through `wrangler dev`, and the SPA as users get it: a
 * `vite build` served by `vite preview`, whose proxy (web/vite.config.ts) sends `/api` and `/v1` to that gateway.
 * Twice: once with the local sign-in, once in Clerk mode (`clerkSpaUrl`: a publishable key of a development instance
 * and the Frontend API proxy `/__clerk`, which its preview server forwards to the fake Clerk's Frontend API, as a
 * deployment forwards it to Clerk). Both talk to the same gateway: it accepts the fake's tokens (`CLERK_ISSUER`) and
 * the local sign-in's alike.
 *
 * Its own Postgres database and Redis database (browserTestInfrastructure), so the worker tests and a `npm run dev`
 * running at the same time never share a usage queue or an account with it.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startProcess, stopAll, writeEnvFile, type ManagedProcess } from "../processes.ts";
import { startSentryFake, type SentryFake } from "../sentry-fake/server.ts";
import { startStack, type Stack } from "../stack.ts";
import { testInfrastructure } from "../test-environment.ts";
import { startClerkFront, type ClerkFront } from "./clerk-front.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = (name: string) => join(root, "node_modules", ".bin", name);

export interface BrowserTestInfrastructure {
  database: string;
  redisUrl: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The browser tests' own database and Redis database, next to the other tests' (local/test-environment.ts):
 * database `<OMNIZEN_TEST_DATABASE>_browser`, and Redis database `<the tests' Redis database> + 8` (mod 16) on the
 * same loopback server (default: `omnizen_test_browser`, Redis database 9).
 */
export function browserTestInfrastructure(env: NodeJS.ProcessEnv): BrowserTestInfrastructure {
  const base = testInfrastructure(env);
  const redis = new URL(base.redisUrl);
  const index = Number(redis.pathname.slice(1)) || 0;
  redis.pathname = `/${(index + 8) % 16}`;
  return { database: `${base.database}_browser`.slice(0, 63), redisUrl: redis.toString(), env: base.env };
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`the process serving ${url} exited`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

function runToEnd(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const lines: string[] = [];
  const entry = startProcess(name, command, args, env, (line) => lines.push(line));
  return new Promise((resolve, reject) => {
    entry.child.once("error", reject);
    entry.child.once("exit", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${name} failed (${code ?? "signal"}):\n${lines.slice(-30).join("\n")}`));
    });
  });
}

/** The fake Clerk instance's Frontend API host, as its publishable key names it (a development instance). */
export const CLERK_FRONTEND_API_HOST = "omnizen-local.clerk.accounts.dev";
/** The Clerk-mode SPA's publishable key: `pk_test_` + base64 of the Frontend API host and `$`, as Clerk's are. */
export const CLERK_PUBLISHABLE_KEY = `pk_test_${Buffer.from(`${CLERK_FRONTEND_API_HOST}$`).toString("base64")}`;
/** The Frontend API proxy path of the Clerk-mode SPA (Clerk's default proxy path). */
export const CLERK_PROXY_PATH = "/__clerk";

export interface BrowserStack {
  spaUrl: string;
  /** The same SPA built in Clerk mode. */
  clerkSpaUrl: string;
  gatewayUrl: string;
  databaseUrl: string;
  /** The Upstash stand-in in front of the tests' Redis database. */
  upstash: { url: string; token: string };
  clerkFakeUrl: string;
  /** The payment providers' hosted pages the browser is sent to (the EPS and Stripe simulators'). */
  paymentPageUrls: { eps: string; stripe: string };
  close(): Promise<void>;
}

export interface BrowserStackOptions {
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export async function startBrowserStack(options: BrowserStackOptions): Promise<BrowserStack> {
  const env = options.env ?? process.env;
  const infrastructure = browserTestInfrastructure(env);
  const workDir = mkdtempSync(join(tmpdir(), "omnizen-browser-"));
  const processes: ManagedProcess[] = [];
  let stack: Stack | undefined;
  let clerk: ClerkFront | undefined;
  let sentry: SentryFake | undefined;
  const close = async () => {
    await stopAll(processes);
    await clerk?.close().catch(() => undefined);
    await sentry?.close().catch(() => undefined);
    await stack?.close();
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const [gatewayPort, spaPort, clerkSpaPort, inspectorPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const spaUrl = `http://127.0.0.1:${spaPort}`;
    const clerkSpaUrl = `http://127.0.0.1:${clerkSpaPort}`;
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const childEnv: NodeJS.ProcessEnv = {
      ...infrastructure.env,
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_SEND_ERROR_REPORTS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      OMNIZEN_GATEWAY_URL: gatewayUrl,
      // The SPA talks to its own origin (the preview server proxies /api and /v1) and signs in locally: whatever a
      // developer's shell or web/.env* hold, no real Clerk instance and no other API.
      VITE_API_URL: "",
      VITE_CLERK_PUBLISHABLE_KEY: "",
    };
    // Vitest sets NODE_ENV=test: the worker bundle would be built for it (and @clerk/backend then fails every call),
    // and so would the SPA. The children get what `npm run dev` gives them: none.
    delete childEnv.NODE_ENV;
    const clerkSecretKey = `sk_test_${randomBytes(16).toString("hex")}`;
    const clerkEnv: NodeJS.ProcessEnv = {
      ...childEnv,
      VITE_CLERK_PUBLISHABLE_KEY: CLERK_PUBLISHABLE_KEY,
      VITE_CLERK_PROXY_URL: CLERK_PROXY_PATH,
      OMNIZEN_CLERK_PROXY_SECRET_KEY: clerkSecretKey,
    };
    // The SPA's two builds run while the stack starts.
    const spaDir = join(workDir, "spa");
    const clerkSpaDir = join(workDir, "spa-clerk");
    const buildArgs = (outDir: string) => ["build", "web", "--outDir", outDir, "--emptyOutDir"];
    const built = Promise.all([
      runToEnd("vite build", bin("vite"), buildArgs(spaDir), childEnv),
      runToEnd("vite build (Clerk)", bin("vite"), buildArgs(clerkSpaDir), clerkEnv),
    ]);
    built.catch(() => undefined);

    const upstashToken = randomBytes(16).toString("hex");
    stack = await startStack({
      database: infrastructure.database,
      env: infrastructure.env,
      dataDir: join(root, ".local-data", "pglite-browser"),
      upstashToken,
      promptCacheSecret: randomBytes(32).toString("hex"),
      redisUrl: infrastructure.redisUrl,
      useRealProviderKeys: false,
      // The EPS simulator tells the gateway about payments as EPS does (IPN), besides the return page's check.
      epsIpnUrl: `${gatewayUrl}/webhooks/eps`,
      // The Stripe simulator delivers its signed webhooks to this gateway, as under npm run dev.
      stripeWebhookUrl: `${gatewayUrl}/webhooks/stripe`,
      log: options.log,
    });
    sentry = await startSentryFake();
    const clerkIssuer = `https://${CLERK_FRONTEND_API_HOST}`;
    clerk = await startClerkFront(clerkSecretKey, {
      signingKeyPem: stack.workerBindings.DEV_SIGNING_KEY ?? "",
      issuer: clerkIssuer,
      proxySecretKey: clerkSecretKey,
    });

    const bindings: Record<string, string> = {
      OMNIZEN_ENV: "development",
      ...stack.workerBindings,
      CLERK_AUTHORIZED_PARTIES: `${spaUrl},${clerkSpaUrl}`,
      CLERK_ISSUER: clerkIssuer,
      DEV_GATEWAY_PORT: String(gatewayPort),
      CLERK_SECRET_KEY: clerkSecretKey,
      CLERK_API_URL: clerk.url,
      SENTRY_DSN: sentry.dsn("42"),
    };
    const envFile = join(workDir, "worker.env");
    writeEnvFile(envFile, bindings);
    const gateway = startProcess(
      "gateway",
      bin("wrangler"),
      [
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String(gatewayPort),
        "--inspector-port",
        String(inspectorPort),
        "--persist-to",
        join(workDir, "wrangler-state"),
        "--show-interactive-dev-session=false",
        "--test-scheduled",
        "--env-file",
        envFile,
      ],
      childEnv,
      (line) => options.log(`[gateway] ${line}`),
    );
    processes.push(gateway);

    await built;
    const spa = startProcess(
      "spa",
      bin("vite"),
      ["preview", "web", "--outDir", spaDir, "--host", "127.0.0.1", "--port", String(spaPort), "--strictPort"],
      childEnv,
      (line) => options.log(`[spa] ${line}`),
    );
    processes.push(spa);
    const clerkSpa = startProcess(
      "spa (Clerk)",
      bin("vite"),
      [
        "preview",
        "web",
        "--outDir",
        clerkSpaDir,
        "--host",
        "127.0.0.1",
        "--port",
        String(clerkSpaPort),
        "--strictPort",
      ],
      { ...clerkEnv, OMNIZEN_CLERK_FAPI_URL: clerk.url },
      (line) => options.log(`[spa-clerk] ${line}`),
    );
    processes.push(clerkSpa);
    await waitForHttp(`${gatewayUrl}/healthz`, 90_000, () => gateway.child.exitCode === null);
    await waitForHttp(`${spaUrl}/`, 30_000, () => spa.child.exitCode === null);
    await waitForHttp(`${clerkSpaUrl}/`, 30_000, () => clerkSpa.child.exitCode === null);
    return {
      spaUrl,
      clerkSpaUrl,
      gatewayUrl,
      databaseUrl: stack.databaseUrl,
      upstash: { url: stack.upstashUrl, token: upstashToken },
      clerkFakeUrl: clerk.url,
      paymentPageUrls: { eps: stack.epsSimulatorUrl, stripe: stack.stripeSimUrl },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
