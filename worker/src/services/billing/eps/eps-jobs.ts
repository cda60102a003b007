/**
 * The EPS cron jobs' wiring (cron/scheduled.ts): the pending re-check and the plan periods, over the run's database
 * and Redis. Without EPS configured both do nothing. Work scheduled "in the background" (the key records' second
 * invalidation) is left to finish on its own, as a cron run has no request to wait for.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../../../../../db/client.ts";
import type { Config } from "../../../env.ts";
import { createScriptClient } from "../../hot-path/script-client.ts";
import type { InvalidationScheduler } from "../../identity/key-record-invalidation.ts";
import { createEpsClient } from "./eps-client.ts";
import { recheckPendingEpsPayments, type RecheckReport } from "./eps-pending-recheck.ts";
import { runEpsPlanPeriods, type PlanPeriodReport } from "./eps-plan-periods.ts";
import { epsSettings } from "./eps-settings.ts";

interface JobContext {
  config: Config;
  db: Database;
  redis: Redis;
  now: Date;
}

const detached: InvalidationScheduler = {
  waitUntil: (promise) => void promise.catch(() => undefined),
};

export async function epsPendingRechecked({ config, db, redis, now }: JobContext): Promise<RecheckReport | number> {
  const settings = epsSettings(config);
  if (!settings) return 0;
  return recheckPendingEpsPayments({
    db,
    redis,
    scripts: createScriptClient(config),
    background: detached,
    client: createEpsClient(settings),
    now,
  });
}

export async function epsPlanPeriods({ config, db, redis, now }: JobContext): Promise<PlanPeriodReport | number> {
  if (!epsSettings(config)) return 0;
  return runEpsPlanPeriods({ db, redis, background: detached }, now);
}
