import type { BackendKind, CommandBackend } from "./backend.ts";
import { createEmbeddedBackend } from "./embedded-backend.ts";
import { delay, type UpstashGeoProfile } from "./geo-profile.ts";
import { GeoRouter, type GeoTarget, type RequestAnswer } from "./geo-router.ts";
import type { ParsedRequest } from "./http-request.ts";
import { copyKeyspace, startPrivateRedis, type PrivateRedis } from "./private-redis.ts";
import { connectRedisBackend } from "./redis-backend.ts";
import { acceptUpstashScriptFlags } from "./script-flags.ts";

/** A replica store for the geo model: a private redis-server seeded from the primary, or an empty embedded store. */
async function startReplica(
  primaryKind: BackendKind,
  primaryUrl: string,
  log: (line: string) => void,
): Promise<{ backend: CommandBackend; server?: PrivateRedis }> {
  if (primaryKind === "embedded") {
    log("[upstash] geo: the replica is a second embedded store, starting empty (set the profile before writing)");
    return { backend: acceptUpstashScriptFlags(createEmbeddedBackend()) };
  }
  const server = await startPrivateRedis();
  try {
    const copied = await copyKeyspace(primaryUrl, server.path);
    log(`[upstash] geo: replica redis-server started, ${copied} keys copied from the primary`);
    return { backend: acceptUpstashScriptFlags(await connectRedisBackend(server.path, log)), server };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/**
 * The stand-in's geo switch: off (today's behaviour) or a profile with its router and replica. Profile changes are
 * applied one after the other; switching drains the old replica's queue and stops it.
 */
export class GeoModel {
  private current: { router: GeoRouter; replica: CommandBackend; server?: PrivateRedis } | undefined;
  /** REST requests each region served under the current profile (reset when the profile changes). */
  private readonly served = { primaryRequests: 0, replicaRequests: 0 };
  private change: Promise<void> = Promise.resolve();

  constructor(
    private readonly primary: CommandBackend,
    private readonly primaryUrl: string,
    private readonly log: (line: string) => void,
  ) {}

  /** The router while a profile is on. */
  get router(): GeoRouter | undefined {
    return this.current?.router;
  }

  /** Switches to `profile` (a fresh replica copied from the primary), or off for undefined. */
  set(profile: UpstashGeoProfile | undefined): Promise<void> {
    this.change = this.change.then(async () => {
      await this.stop();
      if (!profile) {
        this.log("[upstash] geo: off");
        return;
      }
      const replica = await startReplica(this.primary.kind, this.primaryUrl, this.log);
      this.current = {
        router: new GeoRouter(profile, this.primary, replica.backend),
        replica: replica.backend,
        ...(replica.server ? { server: replica.server } : {}),
      };
      this.log(
        `[upstash] geo: ${profile.name} (primary ${profile.primaryRttMs} ms, replica ${profile.replicaRttMs} ms, lag ${profile.replicationLagMs} ms)`,
      );
    });
    return this.change;
  }

  /**
   * Runs a request: under a profile on its region, with half the region's round trip added before and half after
   * (errors included); otherwise through `direct`, with nothing added.
   */
  async run(
    parsed: ParsedRequest,
    direct: () => Promise<RequestAnswer>,
  ): Promise<{ answer: RequestAnswer; target?: GeoTarget }> {
    const router = this.current?.router;
    if (!router) return { answer: await direct() };
    const target = router.route(parsed);
    if (target === "primary") this.served.primaryRequests += 1;
    else this.served.replicaRequests += 1;
    const rttMs = target === "primary" ? router.profile.primaryRttMs : router.profile.replicaRttMs;
    await delay(rttMs / 2);
    try {
      return { answer: await router.execute(parsed, target), target };
    } finally {
      await delay(rttMs - rttMs / 2);
    }
  }

  /**
   * The `GET /_omnizen/stats` fields of the model (none while off): the billing counters, the billed commands, and
   * the REST requests served by the primary and by the replica (`primaryRequests`, `replicaRequests`).
   */
  stats(): Record<string, unknown> {
    const router = this.current?.router;
    if (!router) return { geo: null };
    return {
      geo: router.profile.name,
      ...router.counters,
      billedCommands: router.billedCommands,
      ...this.served,
      locks: router.lockStats(),
    };
  }

  /** Waits for pending switches, then stops the replica. */
  async close(): Promise<void> {
    await this.change.catch(() => undefined);
    await this.stop();
  }

  private async stop(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    this.served.primaryRequests = 0;
    this.served.replicaRequests = 0;
    if (!current) return;
    await current.router.drained();
    await current.replica.close();
    await current.server?.close();
  }
}
