import { fileURLToPath } from "node:url";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import {
  bundleForColdStart,
  coldStartTargets,
  eagerModules,
  packageOf,
  summarizeColdStart,
  type BundleFacts,
  type ColdStartSample,
  wranglerMinifies,
} from "./cold-start.ts";
import { COMPATIBILITY_DATE, COMPATIBILITY_FLAGS } from "./gateway-runtime.ts";

const bundle: BundleFacts = { bytes: 2_000_000, gzipBytes: 400_000, files: 1, eagerBytes: 900_000, eagerPackages: [] };
const sample = (gatewayCpu: number, firstCpu: number, wallExtra = 0): ColdStartSample => ({
  gatewayStart: { wallMs: 300 + wallExtra, cpuMs: gatewayCpu },
  oneLineStart: { wallMs: 100, cpuMs: 20 },
  firstRequest: { wallMs: 30, cpuMs: firstCpu },
  warmRequest: { wallMs: 5, cpuMs: 2 },
});

describe("summarizeColdStart", () => {
  it("takes script load over the one-line worker and the first request over warm, as medians", () => {
    const result = summarizeColdStart([sample(100, 12), sample(120, 22, 50), sample(90, 7)], bundle);
    expect(result.scriptLoadCpuMs).toBe(80); // 80, 100, 70
    expect(result.firstRequestExtraCpuMs).toBe(10); // 10, 20, 5
    expect(result.coldStartCpuMs).toBe(90); // 90, 120, 75: the median of the sums
    expect(result.scriptLoadMs).toBe(200); // 200, 250, 200
    expect(result.firstRequestExtraMs).toBe(25);
    expect(result.warmRequestMs).toBe(5);
  });

  it("refuses to summarise nothing", () => {
    expect(() => summarizeColdStart([], bundle)).toThrow(/no samples/);
  });

  it("checks the CPU budget and the gzip budget", () => {
    const within = coldStartTargets(summarizeColdStart([sample(60, 12)], bundle));
    expect(within.map((target) => target.status)).toEqual(["PASS", "PASS"]);
    const over = coldStartTargets(summarizeColdStart([sample(500, 12)], { ...bundle, gzipBytes: 10_000_000 }));
    expect(over.map((target) => target.status)).toEqual(["FAIL", "FAIL"]);
  });
});

describe("eagerModules", () => {
  it("follows static imports only and names the packages reached", () => {
    const graph = {
      inputs: {
        "entry.ts": {
          imports: [
            { path: "node_modules/hono/dist/index.js", kind: "import-statement" },
            { path: "cold.ts", kind: "dynamic-import" },
            { path: "cloudflare:sockets", kind: "import-statement", external: true },
          ],
        },
        "node_modules/hono/dist/index.js": { imports: [] },
        "cold.ts": { imports: [{ path: "node_modules/@clerk/backend/dist/index.mjs", kind: "import-statement" }] },
        "node_modules/@clerk/backend/dist/index.mjs": { imports: [] },
      },
      outputs: {
        "worker.js": {
          inputs: {
            "entry.ts": { bytesInOutput: 10 },
            "node_modules/hono/dist/index.js": { bytesInOutput: 100 },
            "cold.ts": { bytesInOutput: 1000 },
            "node_modules/@clerk/backend/dist/index.mjs": { bytesInOutput: 10_000 },
          },
        },
      },
    };
    expect(eagerModules(graph, "entry.ts")).toEqual({ bytes: 110, packages: ["hono"] });
    expect(eagerModules(graph, "cold.ts")).toEqual({ bytes: 11_000, packages: ["@clerk/backend"] });
  });

  it("names the innermost package of a nested node_modules path", () => {
    expect(packageOf("node_modules/svix/node_modules/@stablelib/base64/lib/base64.js")).toBe("@stablelib/base64");
    expect(packageOf("worker/src/app.ts")).toBeUndefined();
  });
});

describe("wranglerMinifies", () => {
  it("reads a top-level `minify = true`, and nothing else", () => {
    expect(wranglerMinifies('name = "x"\nminify = true # smaller\n')).toBe(true);
    expect(wranglerMinifies('name = "x"\nminify = false\n')).toBe(false);
    expect(wranglerMinifies('name = "x"\n# minify = true\n')).toBe(false);
    expect(wranglerMinifies('name = "x"\n')).toBe(false);
  });
});

describe("wrangler.toml", () => {
  it("is read by the bench as wrangler reads it: minified, names kept", () => {
    const path = fileURLToPath(new URL("../../wrangler.toml", import.meta.url));
    const config = unstable_readConfig({ config: path });
    expect(wranglerMinifies(readFileSync(path, "utf8"))).toBe(config.minify === true);
    expect(config.minify).toBe(true);
    expect(config.keep_names).not.toBe(false); // the bench bundles with keepNames, wrangler's default
  });

  it("gives the bench's gateway the deployed compatibility date and flags", () => {
    const config = unstable_readConfig({ config: fileURLToPath(new URL("../../wrangler.toml", import.meta.url)) });
    expect(config.compatibility_date).toBe(COMPATIBILITY_DATE);
    expect(config.compatibility_flags).toEqual(COMPATIBILITY_FLAGS);
  });
});

describe("the gateway's bundle", () => {
  const directory = mkdtempSync(`${tmpdir()}/omnizen-cold-start-`);
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  // The dashboard API and webhooks (Clerk, svix, Stripe, the rate limiter), the error reporter (toucan-js, Sentry),
  // @upstash/redis (the hot path reaches Upstash through its plain-fetch script client only), and Postgres's driver
  // (a warm hot-path request never opens Postgres).
  const cold = [
    "@clerk/backend",
    "svix",
    "stripe",
    "@upstash/ratelimit",
    "toucan-js",
    "@sentry/core",
    "@upstash/redis",
    "drizzle-orm",
    "@neondatabase/serverless",
  ];

  it("keeps the cold paths' packages off a fresh isolate's start", async () => {
    const entry = fileURLToPath(new URL("../../worker/src/index.ts", import.meta.url));
    const facts = await bundleForColdStart(entry, directory);
    expect(facts.files).toBe(1); // as wrangler uploads it: dynamic imports stay in the one file
    expect(facts.eagerPackages).toContain("hono");
    for (const name of cold) expect(facts.eagerPackages).not.toContain(name);
    expect(facts.eagerBytes).toBeLessThan(facts.bytes / 2);
  });
});
