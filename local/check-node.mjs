// Fails fast with a readable message when a script runs on a Node too old for wrangler, miniflare and vitest 5.
// `npm run` puts node_modules/.bin first on PATH, where the pinned `node` package installs Node 22.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `omnizen needs Node >= 22.12 (this is ${process.version}).\n` +
      "Run it through npm (`npm run dev`, `npm test`): npm puts the pinned Node 22 from node_modules/.bin first on PATH.\n" +
      "If that Node is missing, run `npm install` (without --ignore-scripts) first.",
  );
  process.exit(1);
}
