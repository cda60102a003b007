/**
 * Writes one routed request's usage row and operational log row, and settles its cost against the prepaid balance,
 * in one transaction that is idempotent on the request id (a retry never charges twice). Called from `waitUntil`,
 * after the response; never on the hot path.
 */
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { apiKeys, requestLogs, usageEvents, users, type NewRequestLog, type NewUsageEvent } from "../../../db/schema.ts";

export async function recordUsage(db: Database, event: NewUsageEvent, log: NewRequestLog): Promise<boolean> {
  return db.transaction(async (transaction) => {
    const inserted = await transaction
      .insert(usageEvents)
      .values(event)
      .onConflictDoNothing({ target: usageEvents.requestId })
      .returning({ id: usageEvents.id });
    if (inserted.length === 0) return false;
    if (event.userId && event.costMicroUsd) {
      await transaction
        .update(users)
        .set({ creditBalanceMicroUsd: sql`${users.creditBalanceMicroUsd} - ${event.costMicroUsd}` })
        .where(eq(users.id, event.userId));
    }
    if (event.apiKeyId) {
      await transaction.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, event.apiKeyId));
    }
    await transaction.insert(requestLogs).values(log);
    return true;
  });
}
