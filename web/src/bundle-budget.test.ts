/**
 * Speed: the JavaScript the first page loads (index.html's entry script and its modulepreloads, gzip), without
 * Clerk's own script, which the SPA loads lazily and only with a publishable key (app/clerk-auth.tsx), stays under
 * the budget. Builds web/ into a temporary directory (about a second).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";

const BUDGET_GZIP_BYTES = 250 * 1024;
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), "omnizen-web-build-"));

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("the first page's JavaScript", () => {
  it(`stays under ${BUDGET_GZIP_BYTES / 1024} KB gzip`, () => {
    execFileSync(
      process.execPath,
      [
        join(repoRoot, "node_modules/vite/bin/vite.js"),
        "build",
        "web",
        "--outDir",
        outDir,
        "--emptyOutDir",
        "--logLevel",
        "error",
      ],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          NODE_ENV: "production",
          VITE_CLERK_PUBLISHABLE_KEY: "",
          VITE_CONFIG_NATIVE_IGNORE_WARNING: "true",
        },
      },
    );
    const html = readFileSync(join(outDir, "index.html"), "utf8");
    const scripts = [
      ...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
      ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
    ].map((match) => match[1] ?? "");
    expect(scripts.length).toBeGreaterThan(0);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script (the CSP forbids it)
    const sizes = scripts.map((src) => ({
      src,
      gzip: gzipSync(readFileSync(join(outDir, src.replace(/^\//, "")))).byteLength,
    }));
    const total = sizes.reduce((sum, entry) => sum + entry.gzip, 0);
    console.info(`first page JS: ${(total / 1024).toFixed(1)} KB gzip in ${sizes.length} file(s)`);
    expect(sizes.some((entry) => /clerk/i.test(entry.src))).toBe(false);
    expect(total).toBeLessThan(BUDGET_GZIP_BYTES);
  });
});
