/**
 * The README and the docs hold together: the README stays short, every relative link in a Markdown file resolves
 * inside the repo (anchors included), every file under docs/ is reachable from the README, every `docs/...` path a
 * source file names exists, and every "policy N.N" reference names a section of docs/privacy-policy.txt.
 * Pure Node: reads files only.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const skippedDirectories = new Set(["node_modules", ".git", ".local-data", "dist", ".wrangler", "coverage"]);
const textExtensions = new Set([".md", ".ts", ".tsx", ".mjs", ".js", ".toml", ".sql", ".txt"]);

function walk(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!skippedDirectories.has(entry.name)) files.push(...walk(join(directory, entry.name)));
    } else if (entry.isFile() && textExtensions.has(extname(entry.name))) {
      files.push(join(directory, entry.name));
    }
  }
  return files;
}

const files = walk(root);
const markdownFiles = files.filter((file) => file.endsWith(".md"));
const repoPath = (file: string) => relative(root, file).split(sep).join("/");

/** GitHub's heading anchors: lower case, punctuation other than `-` and `_` dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of withoutCode(markdown, { keepInlineCode: true }).split("\n")) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** Fenced code blocks become empty lines (so line numbers stay) and inline code spans are dropped. */
function withoutCode(markdown: string, { keepInlineCode = false } = {}): string {
  let inFence = false;
  return markdown
    .split("\n")
    .map((line) => {
      if (/^\s*```/.test(line)) {
        inFence = !inFence;
        return "";
      }
      if (inFence) return "";
      return keepInlineCode ? line : line.replace(/`[^`]*`/g, "");
    })
    .join("\n");
}

interface Link {
  from: string;
  line: number;
  target: string;
}

function relativeLinks(file: string): Link[] {
  const links: Link[] = [];
  withoutCode(readFileSync(file, "utf8"))
    .split("\n")
    .forEach((line, index) => {
      for (const match of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = match[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        links.push({ from: file, line: index + 1, target });
      }
    });
  return links;
}

/** Where a link points: the file (absolute) and its anchor, or why it does not resolve. */
function follow(link: Link): { file: string; problem?: string } {
  const [pathPart, anchor] = link.target.split("#", 2) as [string, string | undefined];
  const file = pathPart === "" ? link.from : resolve(dirname(link.from), decodeURIComponent(pathPart));
  if (relative(root, file).startsWith("..")) return { file, problem: "points outside the repo" };
  if (!existsSync(file)) return { file, problem: "does not exist" };
  if (anchor && file.endsWith(".md") && !anchors(readFileSync(file, "utf8")).has(anchor)) {
    return { file, problem: `has no heading #${anchor}` };
  }
  return { file };
}

describe("README", () => {
  it("stays under 200 lines", () => {
    const lines = readFileSync(join(root, "README.md"), "utf8").trimEnd().split("\n").length;
    expect(lines).toBeLessThan(200);
  });

  it("keeps the two set-up commands", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    expect(readme).toMatch(/^npm install && npm run dev\s/m);
    expect(readme).toMatch(/^npm test\s/m);
  });

  it("lists every script of package.json", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const { scripts } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const missing = Object.keys(scripts).filter(
      (name) => !readme.includes(name === "test" ? "`npm test`" : `npm run ${name}\``),
    );
    expect(missing).toEqual([]);
  });
});

describe("links in Markdown files", () => {
  it("resolve to a file inside the repo, and to a heading when they name one", () => {
    const broken = markdownFiles
      .flatMap(relativeLinks)
      .map((link) => ({ link, problem: follow(link).problem }))
      .filter(({ problem }) => problem)
      .map(({ link, problem }) => `${repoPath(link.from)}:${link.line} ${link.target} ${problem}`);
    expect(broken).toEqual([]);
  });

  it("reach every file under docs/ from the README", () => {
    const reached = new Set<string>();
    const queue = [join(root, "README.md")];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (reached.has(file)) continue;
      reached.add(file);
      if (!file.endsWith(".md")) continue;
      for (const link of relativeLinks(file)) {
        const { file: target, problem } = follow(link);
        if (!problem && statSync(target).isFile()) queue.push(target);
      }
    }
    const docs = walk(join(root, "docs"));
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.filter((file) => !reached.has(file)).map(repoPath)).toEqual([]);
  });
});

describe("references inside the repo", () => {
  it("every docs/ path named in a source file or doc exists", () => {
    const missing = files.flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/(?<![\w./-])docs\/[\w./-]*[\w-]\.(?:md|txt)\b/g)]
        .map((match) => match[0])
        .filter((path) => !existsSync(join(root, path)))
        .map((path) => `${repoPath(file)}: ${path}`),
    );
    expect(missing).toEqual([]);
  });

  it('every "policy N.N" reference names a section of docs/privacy-policy.txt', () => {
    const policy = readFileSync(join(root, "docs/privacy-policy.txt"), "utf8");
    const sections = new Set(policy.split("\n").flatMap((line) => /^(\d+(?:\.\d+)?)\D/.exec(line)?.[1] ?? []));
    expect(sections.has("4.2")).toBe(true);
    const numbers = /\d+(?:\.\d+)?/g;
    const unknown = files.flatMap((file) =>
      [
        ...readFileSync(file, "utf8").matchAll(
          /\bpolicy(?:'s)?\s+(?:section\s+)?(\d+(?:\.\d+)?(?:(?:\s*,\s*|\s+and\s+|\s*\/\s*)\d+(?:\.\d+)?)*)/gi,
        ),
      ]
        .flatMap((match) => match[1]!.match(numbers) ?? [])
        .filter((section) => !sections.has(section))
        .map((section) => `${repoPath(file)}: policy ${section}`),
    );
    expect(unknown).toEqual([]);
  });
});
