/**
 * The cron triggers (wrangler.toml `[triggers] crons`; each expression here must be listed there, and vice versa):
 * - every minute: drain queued usage records into Postgres, then fold their costs into balances (and the ledger),
 *   then reconcile one page of accounts' credit (./reconcile-credit.ts; drift goes to the error reporter), then buy
 *   the auto top-ups of accounts now below their threshold (services/billing/stripe/auto-topup.ts); re-check EPS
 *   orders left pending (services/billing/eps/eps-pending-recheck.ts); close Stripe checkouts that expired or never
 *   started (services/billing/stripe/stale-checkouts.ts);
 * - hourly (minute 23): retention (policy 1.4 and 4.3, ./retention.ts); EPS plan periods (grace, end); Stripe
 *   subscriptions past due beyond their grace fall back to free (services/billing/stripe/past-due-expiry.ts).
 * Bounded work per run; each job is independent, so one failing does not stop the others (failures are logged with
 * the job's name only). `now` is the trigger's scheduled time, so a run is reproducible.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../../../db/client.ts";
import { loadConfig, type Config } from "../env.ts";
import { runAutoTopups } from "../services/billing/stripe/auto-topup.ts";
import { expirePastDueSubscriptions } from "../services/billing/stripe/past-due-expiry.ts";
import { closeStaleCheckouts } from "../services/billing/stripe/stale-checkouts.ts";
import { createStripeClient } from "../services/billing/stripe/stripe-client.ts";
import { createPrivacyDeps } from "../services/privacy/create-privacy-deps.ts";
import { withDatabase } from "../services/database.ts";
import { createRedis } from "../services/redis.ts";
import { epsPendingRechecked, epsPlanPeriods } from "../services/billing/eps/eps-jobs.ts";
import type { RecheckReport } from "../services/billing/eps/eps-pending-recheck.ts";
import type { PlanPeriodReport } from "../services/billing/eps/eps-plan-periods.ts";
import { createErrorReporter } from "../services/error-reporter/create-error-reporter.ts";
import { drainUsage } from "./drain-usage.ts";
import { reconcileCredit, type ReconcileCreditReport } from "./reconcile-credit.ts";
import { runRetention, type RetentionReport } from "./retention.ts";
import { postUsage } from "../services/usage/post-usage.ts";

interface JobContext {
  config: Config;
  db: Database;
  redis: Redis;
  now: Date;
  /** Work a job leaves behind (a second key-record invalidation); awaited before the run ends. */
  background: { waitUntil(promise: Promise<unknown>): void };
  /** Reports a failure that is not an exception of the job itself (e.g. drift found by reconciliation). */
  report(error: Error): void;
}

type JobResult = number | RetentionReport | ReconcileCreditReport | RecheckReport | PlanPeriodReport;

const JOBS = {
  "usage-drained": ({ redis, db }: JobContext) => drainUsage(redis, db),
  "usage-posted": ({ db }: JobContext) => postUsage(db),
  "credit-reconciled": ({ db, redis, now, report }: JobContext) =>
    reconcileCredit({ db, redis, reportDrift: report, now: now.getTime() }),
  retention: ({ config, db, redis, now }: JobContext) => runRetention(createPrivacyDeps(config, db, redis), now),
  "eps-pending-rechecked": epsPendingRechecked,
  "eps-plan-periods": epsPlanPeriods,
  "auto-topup": ({ config, db, now }: JobContext) => {
    const stripe = createStripeClient(config);
    return stripe ? runAutoTopups({ db, stripe }, now) : Promise.resolve(0);
  },
  "stripe-stale-checkouts": ({ config, db, now }: JobContext) => {
    const stripe = createStripeClient(config);
    return stripe ? closeStaleCheckouts({ db, stripe }, now) : Promise.resolve(0);
  },
  "stripe-past-due": ({ config, db, redis, now, background }: JobContext) => {
    const stripe = createStripeClient(config);
    return stripe ? expirePastDueSubscriptions({ db, stripe, redis, background }, now) : Promise.resolve(0);
  },
} as const satisfies Record<string, (context: JobContext) => Promise<JobResult>>;

export type JobName = keyof typeof JOBS;

/** Cron expression -> the jobs it runs, in order. */
export const CRON_JOBS = {
  "* * * * *": [
    "usage-drained",
    "usage-posted",
    "credit-reconciled",
    "auto-topup",
    "eps-pending-rechecked",
    "stripe-stale-checkouts",
  ],
  "23 * * * *": ["retention", "eps-plan-periods", "stripe-past-due"],
} as const satisfies Record<string, readonly JobName[]>;

export type CronExpression = keyof typeof CRON_JOBS;

function isCronExpression(cron: string): cron is CronExpression {
  return Object.hasOwn(CRON_JOBS, cron);
}

/** Runs the jobs of `cron` as of `now`; returns each job's result (counts), absent for a job that failed. */
export async function runScheduled(env: object, now: Date, cron: string): Promise<Partial<Record<JobName, JobResult>>> {
  if (!isCronExpression(cron)) {
    console.error(JSON.stringify({ event: "scheduled-cron-unknown", cron }));
    return {};
  }
  const config = loadConfig(env);
  const redis = createRedis(config);
  const results: Partial<Record<JobName, JobResult>> = {};
  const leftovers: Promise<unknown>[] = [];
  const background = { waitUntil: (promise: Promise<unknown>) => void leftovers.push(promise.catch(() => undefined)) };
  // Reports are sent in the background and awaited before the run ends (the cron's own waitUntil holds it).
  const reports: Promise<unknown>[] = [];
  const reporter = createErrorReporter({
    dsn: config.SENTRY_DSN,
    environment: config.OMNIZEN_ENV,
    executionContext: { waitUntil: (promise) => reports.push(promise) },
    request: new Request("https://scheduled.omnizen.invalid/"),
  });
  await withDatabase(config, async (db) => {
    for (const name of CRON_JOBS[cron]) {
      const report = (error: Error) =>
        reporter.captureException(error, {
          requestId: `cron:${now.toISOString()}`,
          route: `cron ${name}`,
          status: 500,
        });
      try {
        results[name] = await JOBS[name]({ config, db, redis, now, background, report });
      } catch (error) {
        const kind = error instanceof Error ? error.name : "unknown";
        console.error(JSON.stringify({ event: "scheduled-job-failed", job: name, at: now.toISOString(), error: kind }));
      }
    }
  });
  await Promise.all(leftovers);
  await Promise.allSettled(reports);
  console.log(JSON.stringify({ event: "scheduled-run", cron, at: now.toISOString(), results }));
  return results;
}
