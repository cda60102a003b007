/**
 * CLI: runs the local Upstash REST stand-in until interrupted.
 *   PORT (default 8079), UPSTASH_TOKEN (default "local-upstash-token"), REDIS_URL (default redis://127.0.0.1:6379),
 *   UPSTASH_GEO (optional): a geo profile as JSON, e.g. {"primaryRttMs":146,"replicaRttMs":12,"replicationLagMs":73}
 *   (docs/geo.md).
 * Usage: npx tsx local/upstash/main.ts
 */
import { parseGeoProfile } from "./geo-profile.ts";
import { startUpstashServer } from "./server.ts";

const port = Number(process.env.PORT ?? 8079);
const token = process.env.UPSTASH_TOKEN ?? "local-upstash-token";

const geo = process.env.UPSTASH_GEO ? parseGeoProfile(JSON.parse(process.env.UPSTASH_GEO)) : undefined;
const server = await startUpstashServer({ token, port, redisUrl: process.env.REDIS_URL, ...(geo ? { geo } : {}) });
console.log(`UPSTASH_REDIS_REST_URL=${server.url}`);
console.log(`backend=${server.backend}`);
if (process.env.UPSTASH_TOKEN === undefined)
  console.log(`UPSTASH_REDIS_REST_TOKEN=${token} (default; set UPSTASH_TOKEN)`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
