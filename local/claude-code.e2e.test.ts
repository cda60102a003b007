/**
 * The real Claude Code CLI (`@anthropic-ai/claude-code`, pinned) end to end: print mode against the gateway (bundled,
 * on workerd) and the provider simulator, offline (telemetry, auto-update and nonessential traffic off, a temp HOME).
 * A tool-using task: the simulator answers the first turn with a `Read` of a file the test wrote (a `[[sim tool=Read
 * tool_args=...]]` marker in the prompt) and the turn that carries the tool result with text. Run for a model routed
 * to Anthropic (its catalog id in ANTHROPIC_MODEL, forwarded natively) and a DeepSeek model behind a `claude-*` key
 * alias (translated), as docs/claude-code.md sets Claude Code up. Uses its own Postgres database and Redis database
 * (the tests' Redis database + 4, mod 16; the fault and browser tests use + 8), since it runs the usage drain, which
 * empties its Redis database's whole usage queue.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findModel } from "../worker/src/catalog/models.ts";
import { maxOutputTokens } from "../worker/src/catalog/output-limits.ts";
import { hashApiKey } from "../worker/src/lib/api-key.ts";
import { startLoadEnvironment, type LoadEnvironment } from "./load/load-environment.ts";
import { replyText } from "./provider-sim/tokens.ts";
import { testInfrastructure } from "./test-environment.ts";

const CLAUDE_BIN = fileURLToPath(new URL("../node_modules/.bin/claude", import.meta.url));
const ALIAS = "claude-omnizen-deepseek";
const DEEPSEEK = "deepseek/deepseek-v4-pro";

/** The tests' Redis server, on a database of this test's own. */
function claudeCodeRedisUrl(env: NodeJS.ProcessEnv): string {
  const url = new URL(testInfrastructure(env).redisUrl);
  url.pathname = `/${((Number(url.pathname.slice(1)) || 1) + 4) % 16}`;
  return url.toString();
}

let environment: LoadEnvironment;
let workDirectory: string;
const log = (line: string) => {
  if (process.env.OMNIZEN_TEST_VERBOSE) console.log(line);
};

beforeAll(async () => {
  environment = await startLoadEnvironment({
    database: `${process.env.OMNIZEN_TEST_DATABASE ?? "omnizen_test"}_claude_code`,
    redisUrl: claudeCodeRedisUrl(process.env),
    name: "claude-code-e2e",
    log,
  });
  const postgres = new pg.Client({ connectionString: environment.stack.databaseUrl });
  await postgres.connect();
  await postgres.query(`UPDATE api_keys SET model_aliases = $1 WHERE key_hash = $2`, [
    JSON.stringify({ [ALIAS]: DEEPSEEK }),
    await hashApiKey(environment.apiKey),
  ]);
  await postgres.end();
  workDirectory = mkdtempSync(join(tmpdir(), "omnizen-claude-code-"));
}, 120_000);

afterAll(async () => {
  await environment?.close();
  if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
});

interface ClaudeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The run's HOME (its Claude config and caches). */
  home: string;
}

/** `claude -p <prompt> --output-format json` in `cwd`, with nothing of the developer's own set-up. */
function runClaude(model: string, catalogId: string, prompt: string, cwd: string): Promise<ClaudeRun> {
  const home = mkdtempSync(join(workDirectory, "home-"));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, ".claude"),
    ANTHROPIC_BASE_URL: environment.gateway.url,
    ANTHROPIC_API_KEY: environment.apiKey,
    ANTHROPIC_MODEL: model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
    ANTHROPIC_SMALL_FAST_MODEL: model,
    // What GET /v1/models says of the model (max_input_tokens, max_tokens): Claude Code's own guesses for ids it does
    // not know are 1M of context, and for `claude-haiku*` 128k of output, which the gateway refuses above the limit.
    CLAUDE_CODE_MAX_CONTEXT_TOKENS: String(findModel(catalogId)?.contextLength),
    CLAUDE_CODE_MAX_OUTPUT_TOKENS: String(maxOutputTokens(catalogId)),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
    // Model discovery: GET /v1/models?limit=1000 at start-up, cached in the config directory.
    CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: "1",
  };
  // The pinned binary itself: `npx claude` in a temp directory would look for the package on the registry.
  const child = spawn(
    CLAUDE_BIN,
    ["-p", prompt, "--output-format", "json", "--allowedTools", "Read", "--max-turns", "4"],
    { cwd, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, home });
    });
  });
}

interface SimulatorEntry {
  provider: string;
  model: string | null;
  body?: unknown;
}

async function simulatorEntries(marker: string): Promise<SimulatorEntry[]> {
  const response = await fetch(`${environment.stack.simulatorUrl}/_sim/requests?body=1`);
  const { requests } = (await response.json()) as { requests: SimulatorEntry[] };
  return requests.filter((entry) => JSON.stringify(entry.body ?? null).includes(marker));
}

describe.each([
  { model: "anthropic/claude-haiku-5-5", catalogId: "anthropic/claude-haiku-5-5", provider: "anthropic" },
  { model: ALIAS, catalogId: DEEPSEEK, provider: "deepseek" },
])("Claude Code with $model", ({ model, catalogId, provider }) => {
  it("reads a file through its Read tool and prints the model's final answer", { timeout: 60_000 }, async () => {
    const marker = `cc${Date.now().toString(36)}${provider}`;
    const cwd = mkdtempSync(join(workDirectory, "project-"));
    const file = join(cwd, "notes.txt");
    const secret = `file-content-${marker}`;
    writeFileSync(file, `${secret}\n`);
    const toolArgs = Buffer.from(JSON.stringify({ file_path: file })).toString("base64url");
    const { count: before } = await rowCount();

    const run = await runClaude(
      model,
      catalogId,
      `Read notes.txt ${marker} [[sim tool=Read tool_args=${toolArgs}]]`,
      cwd,
    );
    expect(run.code, `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`).toBe(0);
    const result = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}") as {
      type?: string;
      is_error?: boolean;
      result?: string;
      num_turns?: number;
    };
    expect(result).toMatchObject({ type: "result", is_error: false });
    const upstreamModel = findModel(catalogId)?.routes[0]?.upstreamModel ?? "";
    expect(result.result).toBe(replyText(upstreamModel, 12));

    // The simulator saw the tool call's turn, then the turn carrying the file's content as the tool result.
    const entries = (await simulatorEntries(marker)).filter((entry) => entry.provider === provider);
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(entries.at(-1)?.body)).toContain(secret);
    expect(entries.slice(0, -1).every((entry) => !JSON.stringify(entry.body).includes(secret))).toBe(true);

    // Discovery kept the key's claude-* alias, named after its target, and dropped the other providers' catalog ids
    // (2.1.332 keeps ids starting with `claude` or `anthropic`).
    const discovered = readdirSync(run.home, { recursive: true, encoding: "utf8" }).find((path) =>
      path.endsWith("gateway-models.json"),
    );
    expect(discovered, "Claude Code's gateway model cache").toBeDefined();
    const cache = readFileSync(join(run.home, discovered ?? ""), "utf8");
    expect(cache).toContain(ALIAS);
    expect(cache).not.toContain("deepseek/deepseek-flash");

    await environment.drainAll();
    const { count, models } = await rowCount();
    expect(count - before).toBeGreaterThanOrEqual(2);
    expect(models).toContain(catalogId);
  });
});

async function rowCount(): Promise<{ count: number; models: string[] }> {
  const postgres = new pg.Client({ connectionString: environment.stack.databaseUrl });
  await postgres.connect();
  try {
    const { rows } = await postgres.query<{ model: string }>(
      `SELECT model FROM usage_events WHERE user_id = $1 AND status = 'ok'`,
      [environment.userId],
    );
    return { count: rows.length, models: [...new Set(rows.map((row) => row.model))] };
  } finally {
    await postgres.end();
  }
}
