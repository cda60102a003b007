/**
 * The durable settlement's ports for one request's lease flushes (../services/hot-path/durable-settlement.ts): a
 * Postgres write over a pool of its own (it runs after the response), the request's error reporter, and JSON log
 * lines with ids only.
 */
import type { DurableSettlementPorts } from "../services/hot-path/durable-settlement.ts";
import { insertUsageRecords } from "../services/usage/insert-usage-records.ts";
import type { ChatScope } from "./chat-scope.ts";

export function settlementPorts({ services }: Pick<ChatScope, "services">): DurableSettlementPorts {
  return {
    writeUsage: (records) => services.withDatabase((db) => insertUsageRecords(db, records)),
    report: (error) => services.errorReporter.backgroundFailure(error),
    log: (line) => console.error(JSON.stringify(line)),
  };
}
