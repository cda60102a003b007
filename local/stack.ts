/**
 * Starts the services the worker needs on one machine, shared by `npm run dev` and the test setup: Postgres (chosen
 * by local/postgres), migrations, the Neon wsproxy bridge, the Upstash REST stand-in, the provider simulator and the
 * Stripe simulator.
 * Returns the worker's bindings pointing at them.
 */
import { randomBytes } from "node:crypto";
import { migrateDatabase } from "../db/migrate-node.ts";
import { generateSessionKeyPair } from "./clerk-fake/session-keys.ts";
import { epsBindings, generateEpsCredentials, startEpsSimulator } from "./eps-sim/server.ts";
import { startNeonBridge } from "./neon-bridge/server.ts";
import { resolvePostgres } from "./postgres/resolve.ts";
import { providerBindings, type ProviderBinding } from "./provider-routes.ts";
import { startProviderSimulator } from "./provider-sim/server.ts";
import { startStripeSim } from "./stripe-sim/server.ts";
import type { UpstashGeoProfile } from "./upstash/geo-profile.ts";
import { startUpstashServer } from "./upstash/server.ts";

export interface StackOptions {
  database: string;
  dataDir: string;
  upstashToken: string;
  /** The Redis behind the Upstash stand-in (default: REDIS_URL, else 127.0.0.1:6379). */
  redisUrl?: string;
  /** The prompt cache's HMAC secret (random per run locally). */
  promptCacheSecret: string;
  ports?: { bridge?: number; upstash?: number; simulator?: number; eps?: number; stripe?: number };
  /** Where the EPS simulator POSTs its IPN (the gateway's `/webhooks/eps`); unset in tests, which post it. */
  epsIpnUrl?: string;
  /** Where the Stripe simulator POSTs webhooks (the gateway's /webhooks/stripe); unset: its outbox (tests). */
  stripeWebhookUrl?: string;
  useRealProviderKeys: boolean;
  /**
   * Model the distance to Upstash Global and the Tokyo Postgres (docs/geo.md): the Upstash stand-in's geo profile and
   * the Neon bridge's round trip. Default: none (everything local).
   */
  geo?: { upstash: UpstashGeoProfile; postgresRttMs: number };
  env?: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export interface Stack {
  databaseUrl: string;
  postgresKind: string;
  upstashUrl: string;
  upstashBackend: string;
  simulatorUrl: string;
  /** The EPS simulator (local/eps-sim); the worker's EPS_* bindings point at it. */
  epsSimulatorUrl: string;
  /** The Stripe simulator (local/stripe-sim): API, hosted pages and `/_sim` controls. */
  stripeSimUrl: string;
  providers: ProviderBinding[];
  /** What the worker needs, as plain string bindings. */
  workerBindings: Record<string, string>;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const env = options.env ?? process.env;
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const postgres = await resolvePostgres({
      database: options.database,
      dataDir: options.dataDir,
      log: options.log,
      env,
    });
    closers.push(postgres.close);
    await migrateDatabase(postgres.url);
    options.log(`postgres: migrations applied`);

    const bridge = await startNeonBridge({
      port: options.ports?.bridge ?? 0,
      log: options.log,
      ...(options.geo ? { rttMs: options.geo.postgresRttMs } : {}),
    });
    closers.push(bridge.close);
    const upstash = await startUpstashServer({
      token: options.upstashToken,
      port: options.ports?.upstash ?? 0,
      log: options.log,
      ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
      ...(options.geo ? { geo: options.geo.upstash } : {}),
    });
    closers.push(upstash.close);
    const simulator = await startProviderSimulator({ port: options.ports?.simulator ?? 0, log: options.log });
    closers.push(simulator.close);
    const eps = await startEpsSimulator({
      port: options.ports?.eps ?? 0,
      credentials: generateEpsCredentials(),
      ...(options.epsIpnUrl ? { ipnUrl: options.epsIpnUrl } : {}),
      log: (line) => options.log(`eps-sim: ${line}`),
    });
    closers.push(eps.close);
    // Stripe's stand-in, with a fresh key and signing secret per run (the worker gets both).
    const stripeSecretKey = `sk_test_${randomBytes(12).toString("hex")}`;
    const stripeWebhookSecret = `whsec_${randomBytes(24).toString("base64url")}`;
    const stripe = await startStripeSim({
      secretKey: stripeSecretKey,
      webhookSecret: stripeWebhookSecret,
      webhookUrl: options.stripeWebhookUrl ?? null,
      port: options.ports?.stripe ?? 0,
      log: (line) => options.log(`stripe-sim: ${line}`),
    });
    closers.push(stripe.close);

    const providers = providerBindings({ simulatorUrl: simulator.url, env, useRealKeys: options.useRealProviderKeys });
    // Local sign-in without Clerk: a fresh key pair per run stands in for the Clerk instance's signing key.
    const sessionKeys = generateSessionKeyPair();
    return {
      databaseUrl: postgres.url,
      postgresKind: postgres.kind,
      upstashUrl: upstash.url,
      upstashBackend: upstash.backend,
      simulatorUrl: simulator.url,
      epsSimulatorUrl: eps.url,
      stripeSimUrl: stripe.url,
      providers: providers.summary,
      workerBindings: {
        DATABASE_URL: postgres.url,
        NEON_WS_PROXY: `127.0.0.1:${bridge.port}`,
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: options.upstashToken,
        PROMPT_CACHE_SECRET: options.promptCacheSecret,
        CLERK_JWT_KEY: sessionKeys.publicKeyPem,
        DEV_SIGNING_KEY: sessionKeys.privateKeyPem,
        STRIPE_SECRET_KEY: stripeSecretKey,
        STRIPE_WEBHOOK_SECRET: stripeWebhookSecret,
        STRIPE_API_BASE: stripe.url,
        ...providers.bindings,
        ...epsBindings(eps),
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
