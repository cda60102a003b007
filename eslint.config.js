// ESLint flat config: typescript-eslint's syntax-only rules (no type information, so lint stays fast), the layer
// rules of docs/architecture.md ("Layers") as import zones, no import cycles, and no line over 120 characters.
// Formatting itself is Prettier's (.prettierrc.json); this file checks only what Prettier cannot fix.
import { existsSync, readdirSync } from "node:fs";
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import stylistic from "@stylistic/eslint-plugin";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import globals from "globals";
import tseslint from "typescript-eslint";

const root = import.meta.dirname;

// Zones for worker/src: a lower layer never imports a higher one. `from` paths are relative to the repository root.
const worker = (folder) => `./worker/src/${folder}`;
const workerZones = [
  {
    target: worker("lib"),
    from: "./worker/src",
    except: ["./lib"],
    message: "lib/ is the bottom layer: it imports nothing else in worker/src (docs/architecture.md, Layers).",
  },
  {
    target: worker("contracts"),
    from: ["./worker/src", "./db", "./web", "./local"],
    except: ["./contracts"],
    message:
      "contracts/ (the dashboard API's schemas, read by the SPA too) imports nothing but zod (docs/architecture.md, Layers).",
  },
  {
    target: worker("providers"),
    from: ["routes", "chat", "services", "cron", "middleware"].map(worker),
    message: "providers/ imports no routes/, chat/, services/, cron/ or middleware/ (docs/architecture.md, Layers).",
  },
  {
    target: worker("services"),
    from: ["routes", "chat", "cron", "middleware"].map(worker),
    message: "services/ imports no routes/, chat/, cron/ or middleware/ (docs/architecture.md, Layers).",
  },
  {
    target: [worker("catalog"), worker("surfaces")],
    from: ["routes", "chat", "services", "cron", "middleware"].map(worker),
    message:
      "catalog/ and surfaces/ import no routes/, chat/, services/, cron/ or middleware/ (docs/architecture.md, Layers).",
  },
  {
    target: worker("chat"),
    from: ["routes", "cron"].map(worker),
    message: "chat/ imports no routes/ or cron/ (docs/architecture.md, Layers).",
  },
  {
    target: worker("embeddings"),
    from: ["routes", "cron"].map(worker),
    message: "embeddings/ imports no routes/ or cron/ (docs/architecture.md, Layers).",
  },
];
// Code that ships in the worker (tests and test helpers aside) imports nothing from the Node side, the SPA or the
// integration tests' support files.
const bundleZone = {
  target: "./worker/src",
  from: ["./local", "./web", "./worker/test"],
  message: "Code that ships in the worker imports nothing from local/, web/ or worker/test/.",
};
const testFiles = ["**/*.test.ts", "**/*.fixture.ts", "worker/src/testing/**"];

// Zones for web/src, in the style of bulletproof-react: shared code (components, config, lib) -> features -> app;
// a feature imports no other feature. The feature list is read from the tree, so a new feature is covered at once.
const featuresFolder = `${root}/web/src/features`;
const features = existsSync(featuresFolder)
  ? readdirSync(featuresFolder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
  : [];
const webZones = [
  ...features.map((feature) => ({
    target: `./web/src/features/${feature}`,
    from: "./web/src/features",
    except: [`./${feature}`],
    message: "A feature imports no other feature (web/src/features/README.md).",
  })),
  {
    target: "./web/src/features",
    from: "./web/src/app",
    message: "A feature imports nothing from app/ (web/src/features/README.md).",
  },
  {
    target: "./web/src",
    from: "./worker",
    except: ["./src/contracts"],
    message: "The SPA reads the worker's API contract (worker/src/contracts/) only, and as types only.",
  },
  {
    target: ["./web/src/components", "./web/src/config", "./web/src/lib"],
    from: ["./web/src/features", "./web/src/app"],
    message: "components/, config/ and lib/ import no feature and nothing from app/ (web/src/features/README.md).",
  },
];

export default defineConfig(
  globalIgnores(["**/node_modules/", "**/dist/", "**/.wrangler/", ".local-data/", ".scratch/", "db/migrations/"]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["**/*.{js,mjs,cjs,ts,tsx}"],
    plugins: { "import-x": importX, "@stylistic": stylistic },
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      globals: { ...globals.node, ...globals.browser, ...globals.serviceworker },
      parserOptions: { tsconfigRootDir: root },
    },
    settings: {
      // How import-x reads the files an import leads to (no-cycle follows them): TypeScript through its parser.
      "import-x/extensions": [".ts", ".tsx", ".js", ".mjs", ".cjs"],
      "import-x/external-module-folders": ["node_modules", "node_modules/@types"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".tsx", ".mjs", ".js", ".json"] })],
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "import-x/no-restricted-paths": ["error", { basePath: root, zones: [...workerZones, ...webZones] }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
      // The stream parsers and their tests match NUL and other control bytes on purpose.
      "no-control-regex": "off",
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "@stylistic/max-len": [
        "error",
        {
          code: 120,
          tabWidth: 2,
          ignoreComments: false,
          ignoreUrls: true,
          ignoreRegExpLiterals: true,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
        },
      ],
    },
  },
  {
    files: ["worker/src/**"],
    ignores: testFiles,
    rules: {
      "import-x/no-restricted-paths": ["error", { basePath: root, zones: [...workerZones, bundleZone] }],
    },
  },
  {
    // docs/cold-start.md: `import { z } from "zod"` keeps all of zod in the worker's bundle (its 40 locales among it,
    // 734 KiB against 199 KiB), because the namespace object escapes; the namespace import keeps only what is used.
    files: ["worker/src/**", "db/**"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            'ImportDeclaration[source.value="zod"][importKind="value"] > ImportSpecifier[importKind="value"][imported.name="z"]',
          message: 'Import zod as `import * as z from "zod"` (docs/cold-start.md).',
        },
      ],
    },
  },
  {
    // The SPA takes the API contract's types from the worker (worker/src/contracts/), never its code.
    files: ["web/src/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/worker/**"],
              allowTypeImports: true,
              message: "The SPA imports the worker's contract as types only (`import type` / `export type`).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["worker/src/services/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["hono", "hono/*"],
              message: "services/ take plain values: no file under worker/src/services imports hono.",
            },
          ],
        },
      ],
    },
  },
);
