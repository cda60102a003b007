/**
 * The layer rules of docs/architecture.md ("Layers") are enforced by eslint.config.js: for each zone a wrong-way import
 * fails lint and a right-way one passes. Runs ESLint's Node API on snippets placed at paths inside the tree (the
 * imported files are real ones, picked from the tree so that renames do not break this test). Pure Node: no stack.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const eslint = new ESLint({ cwd: root });

/** Some non-test source file under `folder` (repository-relative), or undefined when the folder has none yet. */
function someSourceFile(folder: string): string | undefined {
  const directory = join(root, folder);
  if (!existsSync(directory)) return undefined;
  const entries = readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !/\.(test|fixture)\.ts$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
  return entries[0];
}

/** The messages of `ruleId` when a file at `filePath` holds `code`. */
async function messagesOf(code: string, filePath: string, ruleId: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return (result?.messages ?? []).filter((message) => message.ruleId === ruleId).map((message) => message.message);
}

/** An import of the repository file `target` from a file at `from`, written the way the code base writes it. */
function importOf(target: string, from: string): string {
  let specifier = relative(join(root, from, ".."), join(root, target));
  if (!specifier.startsWith(".")) specifier = `./${specifier}`;
  return `import "${specifier}";\n`;
}

const ZONE_RULE = "import-x/no-restricted-paths";

interface ZoneCase {
  /** The importing file (need not exist). */
  file: string;
  /** Folders the file must not import from. */
  wrong: string[];
  /** Folders it may import from. */
  right: string[];
}

const workerCases: ZoneCase[] = [
  { file: "worker/src/lib/x.ts", wrong: ["worker/src/services", "worker/src/providers"], right: ["worker/src/lib"] },
  {
    file: "worker/src/providers/x.ts",
    wrong: ["worker/src/routes", "worker/src/chat", "worker/src/services", "worker/src/cron", "worker/src/middleware"],
    right: ["worker/src/lib", "worker/src/catalog"],
  },
  {
    file: "worker/src/services/x.ts",
    wrong: ["worker/src/routes", "worker/src/chat", "worker/src/cron", "worker/src/middleware"],
    right: ["worker/src/lib", "worker/src/providers", "worker/src/catalog"],
  },
  {
    file: "worker/src/catalog/x.ts",
    wrong: ["worker/src/routes", "worker/src/services", "worker/src/cron", "worker/src/middleware"],
    right: ["worker/src/lib"],
  },
  {
    file: "worker/src/surfaces/x.ts",
    wrong: ["worker/src/routes", "worker/src/chat", "worker/src/services"],
    right: ["worker/src/lib", "worker/src/catalog"],
  },
  {
    file: "worker/src/chat/x.ts",
    wrong: ["worker/src/routes", "worker/src/cron"],
    right: ["worker/src/services", "worker/src/providers", "worker/src/surfaces"],
  },
  {
    file: "worker/src/embeddings/x.ts",
    wrong: ["worker/src/routes", "worker/src/cron"],
    right: ["worker/src/chat", "worker/src/services", "worker/src/providers"],
  },
  { file: "worker/src/routes/x.ts", wrong: ["local", "worker/test/support"], right: ["worker/src/services"] },
  {
    file: "web/src/features/account/x.ts",
    wrong: ["web/src/app"],
    right: ["web/src/lib", "web/src/components", "web/src/features/account"],
  },
  { file: "web/src/lib/x.ts", wrong: ["web/src/features", "web/src/app"], right: ["web/src/config"] },
  {
    file: "worker/src/contracts/x.ts",
    wrong: ["worker/src/lib", "worker/src/catalog", "db"],
    right: [],
  },
  { file: "web/src/lib/x.ts", wrong: ["worker/src/services", "worker/src/catalog"], right: ["worker/src/contracts"] },
];

describe("lint: layer zones (eslint.config.js)", () => {
  for (const { file, wrong, right } of workerCases) {
    for (const folder of wrong) {
      const target = someSourceFile(folder);
      it.skipIf(!target)(`${file} importing from ${folder}/ fails`, async () => {
        const messages = await messagesOf(importOf(target!, file), file, ZONE_RULE);
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain("restricted zone");
      });
    }
    for (const folder of right) {
      const target = someSourceFile(folder);
      it.skipIf(!target)(`${file} importing from ${folder}/ passes`, async () => {
        expect(await messagesOf(importOf(target!, file), file, ZONE_RULE)).toEqual([]);
      });
    }
  }

  it("test files under worker/src may use worker/test/support; shipped code may not", async () => {
    const support = someSourceFile("worker/test/support")!;
    expect(
      await messagesOf(importOf(support, "worker/src/lib/x.test.ts"), "worker/src/lib/x.test.ts", ZONE_RULE),
    ).toEqual([]);
    expect(await messagesOf(importOf(support, "worker/src/lib/x.ts"), "worker/src/lib/x.ts", ZONE_RULE)).toHaveLength(
      1,
    );
  });
});

describe("lint: the SPA reads the worker's contract as types only", () => {
  const file = "web/src/lib/x.ts";
  const contract = "../../../worker/src/contracts/dashboard-api";
  const rule = "@typescript-eslint/no-restricted-imports";

  it("import type and export type pass", async () => {
    expect(await messagesOf(`import type { UsageSummary } from "${contract}";\n`, file, rule)).toEqual([]);
    expect(await messagesOf(`export type { UsageSummary } from "${contract}";\n`, file, rule)).toEqual([]);
  });

  it("a value import fails", async () => {
    expect(await messagesOf(`import { usageSummarySchema } from "${contract}";\n`, file, rule)).toHaveLength(1);
  });
});

describe("lint: services take plain values", () => {
  it("a file under worker/src/services importing hono fails", async () => {
    const code =
      'import { Hono } from "hono";\nimport { HTTPException } from "hono/http-exception";\nexport { Hono, HTTPException };\n';
    expect(await messagesOf(code, "worker/src/services/x.ts", "no-restricted-imports")).toHaveLength(2);
  });

  it("a file under worker/src/routes importing hono passes", async () => {
    const code = 'import { Hono } from "hono";\nexport { Hono };\n';
    expect(await messagesOf(code, "worker/src/routes/x.ts", "no-restricted-imports")).toEqual([]);
  });
});

describe("lint: lines of at most 120 characters", () => {
  it("a long comment fails, a 120-character line passes", async () => {
    expect(await messagesOf(`// ${"x".repeat(117)}\n`, "local/x.ts", "@stylistic/max-len")).toEqual([]);
    expect(await messagesOf(`// ${"x".repeat(118)}\n`, "local/x.ts", "@stylistic/max-len")).toHaveLength(1);
  });
});

// The feature zones are built from the folders under web/src/features, and the cycle rule follows real files: both are
// checked in a scratch copy of the config with two features and a two-file cycle.
describe("lint: web features and import cycles (scratch tree)", () => {
  let scratch = "";
  let scratchLint: ESLint;
  const write = (path: string, text: string) => {
    mkdirSync(join(scratch, path, ".."), { recursive: true });
    writeFileSync(join(scratch, path), text);
  };

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), "omnizen-lint-"));
    copyFileSync(join(root, "eslint.config.js"), join(scratch, "eslint.config.js"));
    symlinkSync(join(root, "node_modules"), join(scratch, "node_modules"), "dir");
    write("package.json", '{ "type": "module" }\n');
    write("web/src/features/keys/components/key-list.tsx", "export const keyList = 1;\n");
    write("web/src/features/usage/components/usage-chart.tsx", "export const usageChart = 1;\n");
    write("worker/src/lib/a.ts", 'import { b } from "./b.ts";\nexport const a = () => b;\n');
    write("worker/src/lib/b.ts", 'import { a } from "./a.ts";\nexport const b = () => a;\n');
    write("worker/src/lib/c.ts", 'import type { d } from "./d.ts";\nexport const c = (x: typeof d) => x;\n');
    write("worker/src/lib/d.ts", 'import type { c } from "./c.ts";\nexport const d = (x: typeof c) => x;\n');
    scratchLint = new ESLint({ cwd: scratch });
  });

  afterAll(() => {
    if (scratch !== "") rmSync(scratch, { recursive: true, force: true });
  });

  async function scratchMessages(code: string, filePath: string, ruleId: string): Promise<string[]> {
    const [result] = await scratchLint.lintText(code, { filePath: join(scratch, filePath) });
    return (result?.messages ?? []).filter((message) => message.ruleId === ruleId).map((message) => message.message);
  }

  it("a feature importing another feature fails; importing itself passes", async () => {
    const file = "web/src/features/keys/api/x.ts";
    expect(await scratchMessages('import "../../usage/components/usage-chart";\n', file, ZONE_RULE)).toHaveLength(1);
    expect(await scratchMessages('import "../components/key-list";\n', file, ZONE_RULE)).toEqual([]);
  });

  it("a runtime import cycle fails; a type-only one passes", async () => {
    const [cycle] = await scratchLint.lintFiles([join(scratch, "worker/src/lib/a.ts")]);
    expect(cycle?.messages.filter((message) => message.ruleId === "import-x/no-cycle")).toHaveLength(1);
    const [typeOnly] = await scratchLint.lintFiles([join(scratch, "worker/src/lib/c.ts")]);
    expect(typeOnly?.messages.filter((message) => message.ruleId === "import-x/no-cycle")).toEqual([]);
  });
});
