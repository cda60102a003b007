/**
 * Policy 3.3 and 6: no ads, no trackers, no third-party scripts beyond the named processors. The SPA's sources and
 * its HTML may reference no external origin except those processors' (Clerk, Stripe, EPS, Sentry).
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const webRoot = fileURLToPath(new URL("..", import.meta.url));
const ALLOWED_HOSTS = [
  /(^|\.)omnizen\.(ai|example)$/,
  /(^|\.)clerk\.(com|accounts\.dev)$/,
  /(^|\.)stripe\.com$/,
  /(^|\.)eps\.com\.bd$/,
  /(^|\.)sentry\.io$/,
];
// Non-network URLs that appear in code: XML namespaces and documentation links in comments are not requests.
const IGNORED_HOSTS = [/^www\.w3\.org$/, /^127\.0\.0\.1$/, /^localhost$/];

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return name === "node_modules" || name === "dist" ? [] : sources(path);
    return /\.(tsx?|html|css)$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("the SPA loads nothing from third parties", () => {
  it("references no external origin outside the named processors", () => {
    const files = [join(webRoot, "index.html"), ...sources(join(webRoot, "src"))];
    expect(files.length).toBeGreaterThan(5);
    const offenders: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/https?:\/\/([a-z0-9.-]+)/gi)) {
        const host = (match[1] ?? "").toLowerCase();
        if (IGNORED_HOSTS.some((pattern) => pattern.test(host)) || ALLOWED_HOSTS.some((pattern) => pattern.test(host)))
          continue;
        offenders.push(`${file}: ${host}`);
      }
      expect(text).not.toMatch(/<script[^>]+src=["']https?:/i);
    }
    expect(offenders).toEqual([]);
  });
});
