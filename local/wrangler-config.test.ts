/**
 * What Cloudflare logs about the deployed worker, read the way wrangler reads wrangler.toml: the worker's own console
 * lines only. Invocation logs (request metadata and headers: the caller's key in `Authorization` / `x-api-key`) and
 * traces (subrequest spans: omnizen's provider keys) are off, and query strings are redacted.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";

const config = unstable_readConfig({ config: fileURLToPath(new URL("../wrangler.toml", import.meta.url)) });

describe("wrangler.toml observability (docs/production-tls-and-logs.md)", () => {
  it("keeps the worker's own logs, without invocation logs, traces or query strings", () => {
    expect(config.observability).toMatchObject({
      enabled: true,
      redact_query_string: true,
      logs: { enabled: true, invocation_logs: false },
      traces: { enabled: false },
    });
  });

  it("sends logs nowhere else (no Logpush destinations, no tail consumers)", () => {
    expect(config.observability?.logs?.destinations ?? []).toEqual([]);
    expect(config.tail_consumers ?? []).toEqual([]);
    expect(config.logpush ?? false).toBe(false);
  });
});
