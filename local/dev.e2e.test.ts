/**
 * `npm run dev` end to end: starts the real orchestrator (wrangler dev + workerd, Vite, stand-ins, simulator) on
 * spare ports, drives the gateway with the official openai client, checks the usage row in Postgres, stops it with
 * SIGINT and proves every child is gone; then crashes it (SIGKILL) and proves the next start cleans up and works.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import OpenAI from "openai";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { scrubbedEnvironment } from "./test-environment.ts";

const PORTS = {
  gateway: 18787,
  spa: 15173,
  bridge: 15488,
  upstash: 18079,
  simulator: 18790,
  eps: 18791,
  stripe: 22111,
};
const API_KEY = `sk-omni-${"E2e4".repeat(10)}`;
const running: ChildProcess[] = [];

function startDev(): { child: ChildProcess; output: () => string; ready: Promise<void> } {
  const child = spawn("npx", ["tsx", "local/dev.ts"], {
    // None of the developer's infrastructure or keys (DATABASE_URL, REDIS_URL, provider keys, .dev.vars): its own
    // database, its own Redis database and the simulator.
    env: {
      ...scrubbedEnvironment(process.env),
      OMNIZEN_DEV_VARS_FILE: "",
      REDIS_URL: "redis://127.0.0.1:6379/2",
      OMNIZEN_GATEWAY_PORT: String(PORTS.gateway),
      OMNIZEN_SPA_PORT: String(PORTS.spa),
      NEON_BRIDGE_PORT: String(PORTS.bridge),
      UPSTASH_PORT: String(PORTS.upstash),
      PROVIDER_SIM_PORT: String(PORTS.simulator),
      EPS_SIM_PORT: String(PORTS.eps),
      STRIPE_SIM_PORT: String(PORTS.stripe),
      OMNIZEN_DEV_API_KEY: API_KEY,
      OMNIZEN_DEV_DATABASE: "omnizen_dev_e2e",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  running.push(child);
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev did not start:\n${text.slice(-3000)}`)), 120_000);
    const check = () => {
      if (text.includes("Ctrl-C stops everything")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => reject(new Error(`dev exited early (${code}):\n${text.slice(-3000)}`)));
  });
  return { child, output: () => text, ready };
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Ctrl-C: SIGINT to the whole foreground group; resolves once no process of the group is left. */
async function stop(child: ChildProcess): Promise<void> {
  const pid = child.pid ?? 0;
  process.kill(-pid, "SIGINT");
  const deadline = Date.now() + 15_000;
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(groupAlive(pid), "processes of npm run dev survived SIGINT").toBe(false);
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

afterAll(() => {
  for (const child of running) {
    try {
      process.kill(-(child.pid ?? 0), "SIGKILL");
    } catch {
      // already gone
    }
  }
});

describe("npm run dev", () => {
  it(
    "runs the whole stack, serves the openai client with usage rows, and stops every child on SIGINT",
    { timeout: 240_000 },
    async () => {
      const first = startDev();
      await first.ready;
      const printed = first.output();
      expect(printed).toContain(`http://127.0.0.1:${PORTS.gateway}/v1`);
      expect(printed).toContain(`http://127.0.0.1:${PORTS.spa}`);
      expect(printed).toContain(`http://127.0.0.1:${PORTS.simulator}`);
      expect(printed).toContain(API_KEY);
      const databaseUrl = /postgres {12}\w+: (\S+)/.exec(printed)?.[1] ?? "";
      expect(databaseUrl).toMatch(/^postgres(ql)?:\/\//);

      const client = new OpenAI({ apiKey: API_KEY, baseURL: `http://127.0.0.1:${PORTS.gateway}/v1`, maxRetries: 0 });
      const { data: completion, response } = await client.chat.completions
        .create({ model: "deepseek/deepseek-flash", messages: [{ role: "user", content: "e2e-canary-5e1 hello" }] })
        .withResponse();
      expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
      const stream = await client.chat.completions.create({
        model: "deepseek/deepseek-flash",
        messages: [{ role: "user", content: "e2e-canary-5e1 stream" }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = "";
      let streamedUsage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? "";
        streamedUsage = chunk.usage ?? streamedUsage;
      }
      expect(text.length).toBeGreaterThan(0);
      expect(streamedUsage?.completion_tokens).toBeGreaterThan(0);
      expect((await fetch(`http://127.0.0.1:${PORTS.spa}/`)).status).toBe(200);

      const database = new pg.Client({ connectionString: databaseUrl });
      await database.connect();
      try {
        let rows: Array<{ completion_tokens: number }> = [];
        for (let attempt = 0; attempt < 150 && rows.length === 0; attempt += 1) {
          rows = (
            await database.query("SELECT completion_tokens FROM usage_events WHERE request_id = $1", [
              response.headers.get("x-request-id"),
            ])
          ).rows;
          if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(rows[0]?.completion_tokens).toBe(completion.usage?.completion_tokens);
        const leaks = await database.query(
          "SELECT count(*)::int AS n FROM usage_events u, request_logs r WHERE row_to_json(u)::text LIKE '%e2e-canary%' OR row_to_json(r)::text LIKE '%e2e-canary%'",
        );
        expect(leaks.rows[0].n).toBe(0);
      } finally {
        await database.end();
      }

      // A second copy on the same ports refuses clearly and leaves the running one alone.
      const duplicate = startDev();
      await expect(duplicate.ready).rejects.toThrow(/already running/);
      expect((await fetch(`http://127.0.0.1:${PORTS.gateway}/healthz`)).status).toBe(200);

      await stop(first.child);
      expect(first.output()).toContain("stopping");
      for (const port of Object.values(PORTS)) expect(await portOpen(port), `port ${port} still open`).toBe(false);

      // Crash: the orchestrator is killed outright, leaving wrangler and vite (own process groups) orphaned.
      const crashed = startDev();
      await crashed.ready;
      process.kill(-(crashed.child.pid ?? 0), "SIGKILL");
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await portOpen(PORTS.gateway)).toBe(true);

      // The next start cleans up after it and works.
      const restarted = startDev();
      await restarted.ready;
      expect(restarted.output()).toContain("left by an earlier run");
      expect((await fetch(`http://127.0.0.1:${PORTS.gateway}/healthz`)).status).toBe(200);
      await stop(restarted.child);
      expect(await portOpen(PORTS.gateway)).toBe(false);
      expect(await portOpen(PORTS.spa)).toBe(false);
    },
  );
});
