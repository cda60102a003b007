/**
 * Reads `.dev.vars` (dotenv syntax: KEY=value, # comments, optional quotes) so that `npm run dev` passes the same
 * configuration as `wrangler dev` would. Process environment wins over the file.
 */
import { existsSync, readFileSync } from "node:fs";

export function parseDevVars(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith("#")) continue;
    const match = line.match(/^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/);
    if (!match?.[1]) continue;
    let value = match[2] ?? "";
    const quoted = value.match(/^(["'])(.*)\1$/);
    if (quoted) value = quoted[2] ?? "";
    else value = value.replace(/\s+#.*$/, "");
    values[match[1]] = value;
  }
  return values;
}

export function loadDevEnvironment(path: string, processEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const fromFile = path !== "" && existsSync(path) ? parseDevVars(readFileSync(path, "utf8")) : {};
  return { ...fromFile, ...processEnv };
}

/**
 * The configuration variables the worker reads (docs/configuration.md), passed through when set. EPS_* are not here:
 * local/dev.ts passes all of them or none (a real sandbox with EPS_BASE_URL, else the simulator's).
 */
export const PASSTHROUGH_VARIABLES = [
  "MAX_REQUEST_BYTES",
  "UPSTREAM_TIMEOUT_MS",
  "SENTRY_DSN",
  "CLERK_SECRET_KEY",
  "CLERK_PUBLISHABLE_KEY",
  "STRIPE_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "LITELLM_BASE_URL",
  "LITELLM_API_KEY",
  "LITELLM_PROVIDERS",
] as const;
