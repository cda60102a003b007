/**
 * The real Codex CLI (`@openai/codex`, `codex exec`) through the gateway, end to end: the gateway bundled on workerd
 * with the local stack and the provider simulator (load/load-environment.ts), Codex configured as docs/codex.md says
 * (a custom provider at `{gateway}/v1`, `wire_api = "responses"`, web search off, a temp `CODEX_HOME`), and a
 * tool-using task: the simulator answers Codex's first turn with an `exec_command` call (`cat note.txt` of a file the
 * test wrote) and the turn that carries its `function_call_output` with text (the `tool_once` directive). Codex must
 * run the command, show its output, finish the turn with that text, and every call must be a usage row with cost.
 *
 * Cases: an OpenAI-routed model (the Responses API forwarded natively, surfaces/responses/native-forward.ts) and a
 * DeepSeek model (translated by the Responses surface).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPOSITORY_ROOT } from "./bench/bench-environment.ts";
import { startLoadEnvironment, type LoadEnvironment } from "./load/load-environment.ts";
import { reasoningText, replyText } from "./provider-sim/tokens.ts";
import { scrubbedEnvironment, testInfrastructure } from "./test-environment.ts";

const CODEX = `${REPOSITORY_ROOT}node_modules/.bin/codex`;
const codexVersion = spawnSync(CODEX, ["--version"], { encoding: "utf8", timeout: 20_000 });
const codexRuns = codexVersion.status === 0;
if (!codexRuns) {
  console.warn(
    `\n*** SKIPPING the Codex CLI end-to-end test: the codex binary does not start on this platform ` +
      `(${process.platform}-${process.arch}): ${codexVersion.error?.message ?? codexVersion.stderr.slice(0, 300)} ***\n`,
  );
}

/** Its own Postgres database and Redis database: its usage drain empties the whole queue of that database. */
const infrastructure = testInfrastructure(process.env);
const redisUrl = new URL(infrastructure.redisUrl);
redisUrl.pathname = `/${(Number(redisUrl.pathname.slice(1) || "1") + 12) % 16}`;

interface CodexEvent {
  type: string;
  item?: { type: string; command?: string; aggregated_output?: string; exit_code?: number | null; text?: string };
  usage?: { input_tokens: number; cached_input_tokens: number; output_tokens: number };
}

let environment: LoadEnvironment | undefined;
let postgres: pg.Pool | undefined;
const log = (line: string) => {
  if (process.env.OMNIZEN_TEST_VERBOSE) console.log(line);
};

beforeAll(async () => {
  if (!codexRuns) return;
  environment = await startLoadEnvironment({
    database: `${infrastructure.database}_codex`,
    redisUrl: redisUrl.toString(),
    name: "codex-e2e",
    log,
  });
  postgres = new pg.Pool({ connectionString: environment.stack.databaseUrl, max: 2 });
}, 180_000);

afterAll(async () => {
  await postgres?.end();
  await environment?.close();
});

/** Runs `codex exec --json` on `task` in a fresh directory holding `note.txt`; resolves to its JSON events. */
async function runCodex(model: string, task: string, note: string) {
  const gateway = environment?.gateway.url ?? "";
  const workdir = await mkdtemp(join(tmpdir(), "omnizen-codex-work-"));
  const codexHome = await mkdtemp(join(tmpdir(), "omnizen-codex-home-"));
  await writeFile(join(workdir, "note.txt"), `${note}\n`);
  const catalog = join(codexHome, "omnizen-models.json");
  await writeFile(catalog, JSON.stringify(codexModelCatalog([model])));
  const config = {
    model_provider: '"omnizen"',
    "model_providers.omnizen.name": '"omnizen"',
    "model_providers.omnizen.base_url": `"${gateway}/v1"`,
    "model_providers.omnizen.env_key": '"OMNIZEN_API_KEY"',
    "model_providers.omnizen.wire_api": '"responses"',
    "model_providers.omnizen.request_max_retries": "0",
    "model_providers.omnizen.stream_max_retries": "0",
    model_catalog_json: `"${catalog}"`,
    web_search: '"disabled"',
    "analytics.enabled": "false",
    "feedback.enabled": "false",
    check_for_update_on_startup: "false",
  };
  const args = ["exec", "--skip-git-repo-check", "--json", "--strict-config", "-m", model, "-C", workdir];
  for (const [key, value] of Object.entries(config)) args.push("-c", `${key}=${value}`);
  args.push(task);
  const child = spawn(CODEX, args, {
    cwd: workdir,
    env: { ...scrubbedEnvironment(process.env), CODEX_HOME: codexHome, OMNIZEN_API_KEY: environment?.apiKey ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 45_000);
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  clearTimeout(timer);
  await Promise.all([rm(workdir, { recursive: true, force: true }), rm(codexHome, { recursive: true, force: true })]);
  const events = stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as CodexEvent);
  return { code, events, stderr };
}

/**
 * A Codex model catalog (`model_catalog_json`) for gateway ids, as docs/codex.md shows: without it Codex takes
 * `openai/gpt-6.1-terra` for its bundled `gpt-6.1-terra`, whose metadata switches to code-mode tools (a JavaScript
 * `exec` custom tool in an `additional_tools` input item), and warns about unknown ids such as `deepseek/...`.
 */
function codexModelCatalog(models: string[]) {
  return {
    models: models.map((slug, index) => ({
      slug,
      display_name: slug,
      context_window: 128_000,
      supported_reasoning_levels: [{ effort: "medium", description: "medium" }],
      shell_type: "unified_exec",
      visibility: "list",
      supported_in_api: true,
      priority: index + 1,
      support_verbosity: false,
      truncation_policy: { mode: "tokens", limit: 10_000 },
      experimental_supported_tools: [],
      base_instructions: "You are Codex, a coding agent. Use the tools to look at files before you answer.",
    })),
  };
}

/** The usage rows of a model (this run's user), after the usage drain (the gateway's own cron) has written them. */
async function usageRows(model: string) {
  await environment?.drainAll();
  const result = await postgres?.query<{
    prompt_tokens: number;
    cached_tokens: number;
    cache_write_tokens: number;
    completion_tokens: number;
    cost_micro_usd: string;
    status: string;
    provider: string;
  }>(
    `SELECT prompt_tokens, cached_tokens, cache_write_tokens, completion_tokens, cost_micro_usd, status, provider
       FROM usage_events WHERE user_id = $1 AND model = $2 ORDER BY id`,
    [environment?.userId, model],
  );
  return result?.rows ?? [];
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The simulator's logged request bodies that contain `marker`, in order. */
async function upstreamBodies(marker: string): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${environment?.stack.simulatorUrl}/_sim/requests?body=1`);
  const { requests } = (await response.json()) as { requests: Array<{ body?: Record<string, unknown> }> };
  return requests.flatMap((entry) => (entry.body && JSON.stringify(entry.body).includes(marker) ? [entry.body] : []));
}

async function expectToolTask(model: string, upstreamModel: string, provider: string, directives = "") {
  const note = `note ${Math.random().toString(36).slice(2)}`;
  const tool = `tool=exec_command tool_once=1 tool_args=${base64url({ cmd: "cat note.txt" })}`;
  // The note's random text also keeps this task's upstream requests apart from every other run's.
  const task = `Read note.txt (${note.slice(5)}) and tell me what it says. [[sim ${tool} ${directives}]]`;
  const { code, events, stderr } = await runCodex(model, task, note);
  const context = `codex exited ${code}; stderr tail: ${stderr.slice(-1500)}; events: ${JSON.stringify(events).slice(-3000)}`;
  expect(code, context).toBe(0);

  const command = events.find((event) => event.type === "item.completed" && event.item?.type === "command_execution");
  expect(command?.item?.command, context).toContain("cat note.txt");
  expect(command?.item?.exit_code, context).toBe(0);
  expect(command?.item?.aggregated_output, context).toContain(note);
  const answer = events.find((event) => event.type === "item.completed" && event.item?.type === "agent_message");
  expect(answer?.item?.text, context).toBe(replyText(upstreamModel, 12));
  const turn = events.find((event) => event.type === "turn.completed");
  expect(turn, context).toBeDefined();
  const failures = events.filter(
    (event) => event.type === "turn.failed" || event.type === "error" || event.item?.type === "error",
  );
  expect(failures, context).toEqual([]);

  // Two calls (the tool call, then the answer to its output), each booked with its cost; Codex's turn usage is
  // their sum, as the gateway reported it.
  const rows = await usageRows(model);
  expect(rows.map((row) => [row.status, row.provider])).toEqual([
    ["ok", provider],
    ["ok", provider],
  ]);
  for (const row of rows) expect(Number(row.cost_micro_usd)).toBeGreaterThan(0);
  const sum = (pick: (row: (typeof rows)[number]) => number) => rows.reduce((total, row) => total + pick(row), 0);
  expect(turn?.usage?.input_tokens).toBe(sum((row) => row.prompt_tokens + row.cached_tokens + row.cache_write_tokens));
  expect(turn?.usage?.output_tokens).toBe(sum((row) => row.completion_tokens));
  return { task, rows };
}

describe.skipIf(!codexRuns)(`Codex CLI ${codexVersion.stdout.trim()} through the gateway`, () => {
  it("runs a tool-using task on an OpenAI-routed model (the Responses API forwarded natively)", async () => {
    const { task } = await expectToolTask("openai/gpt-6.1-terra", "gpt-6.1-terra", "openai", "reasoning=3");
    // The encrypted reasoning of the first answer went back to OpenAI unchanged with the function call's output.
    const [first, second] = await upstreamBodies(task);
    expect(first).toMatchObject({ model: "gpt-6.1-terra", store: false, include: ["reasoning.encrypted_content"] });
    const input = (second?.input ?? []) as Array<{ type?: string; encrypted_content?: string }>;
    const reasoning = input.find((item) => item.type === "reasoning");
    expect(Buffer.from(reasoning?.encrypted_content ?? "", "base64").toString()).toMatch(
      /^sim-encrypted-reasoning:gpt-6\.1-terra:\d+$/,
    );
    expect(input.map((item) => item.type).slice(-3)).toEqual(["reasoning", "function_call", "function_call_output"]);
  }, 60_000);

  it("runs a tool-using task on a DeepSeek model (translated by the Responses surface)", async () => {
    const { task } = await expectToolTask("deepseek/deepseek-flash", "deepseek-flash", "deepseek", "reasoning=3");
    // DeepSeek's thinking went to Codex as an encrypted reasoning item and came back as the tool-call message's
    // reasoning_content (DeepSeek's thinking mode needs it on every earlier assistant message).
    const [, second] = await upstreamBodies(task);
    const messages = (second?.messages ?? []) as Array<{
      role?: string;
      tool_calls?: unknown;
      reasoning_content?: unknown;
    }>;
    const toolCall = messages.find((message) => message.role === "assistant" && message.tool_calls !== undefined);
    expect(toolCall?.reasoning_content).toBe(reasoningText("deepseek-flash", 3));
  }, 60_000);
});
