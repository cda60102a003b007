import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("./check-node.mjs", import.meta.url));

function versionOf(binary: string): string | undefined {
  try {
    return execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

/** A Node older than 22.12 on this machine (Debian's or the image's), if there is one. */
const oldNode = ["/usr/bin/node", "/usr/local/bin/node"].find((binary) => {
  const version = existsSync(binary) ? versionOf(binary) : undefined;
  const [major = 99, minor = 99] = version?.replace(/^v/, "").split(".").map(Number) ?? [];
  return major < 22 || (major === 22 && minor < 12);
});

describe("check-node guard", () => {
  it("passes on the pinned Node 22 that npm run provides", () => {
    expect(spawnSync(process.execPath, [script]).status).toBe(0);
  });

  it.skipIf(!oldNode)("fails with a readable message on an older Node", () => {
    const result = spawnSync(oldNode ?? "", [script], { encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("omnizen needs Node >= 22.12");
    expect(result.stderr).toContain("npm run");
  });
});
