/**
 * The durable settlement's ports for one request's lease flushes (../services/hot-path/durable-settlement.ts): a
 * Postgres write over a pool of its own (it runs after the response), the request's error reporter, and JSON log
 * lines with ids only.
 */
import { lazyModule } from "../lib/lazy-module.ts";
import type { DurableSettlementPorts } from "../services/hot-path/durable-settlement.ts";
import type { ChatScope } from "./chat-scope.ts";

/** The usage insert (drizzle-orm), imported on first use (docs/cold-start.md). */
const usageInsert = lazyModule(() => import("../services/usage/insert-usage-records.ts"));

export function settlementPorts({ services }: Pick<ChatScope, "services">): DurableSettlementPorts {
  return {
    writeUsage: async (records) => {
      const { insertUsageRecords } = usageInsert.loaded ?? (await usageInsert.load());
      return services.withDatabase((db) => insertUsageRecords(db, records));
    },
    report: (error) => services.errorReporter.backgroundFailure(error),
    log: (line) => console.error(JSON.stringify(line)),
  };
}
