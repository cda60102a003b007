/**
 * The durable settlement's ports for one request (../services/hot-path/durable-settlement.ts): the request's
 * Upstash script client, a Postgres write of its own for the usage record, the request's error reporter, and JSON
 * log lines with ids only.
 */
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { reportBackgroundFailure } from "../services/error-reporter/report-server-error.ts";
import { settleWith, type DurableSettlementPorts } from "../services/hot-path/durable-settlement.ts";
import { createScriptClient } from "../services/hot-path/script-client.ts";
import { writeUsageRecords } from "../services/usage/insert-usage-records.ts";

export function settlementPorts(context: Context<AppEnv>): DurableSettlementPorts {
  const config = context.get("config");
  return {
    settle: settleWith(createScriptClient(config)),
    writeUsage: (records) => writeUsageRecords(config, records),
    report: (error) => reportBackgroundFailure(context, error),
    log: (line) => console.error(JSON.stringify(line)),
  };
}
