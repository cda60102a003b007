/**
 * The credit counter cannot be overspent through cold fills. Many requests in flight at once while the
 * key record is dropped (as a key edit does), the credit counter is dropped (as expiry does) and the usage drain runs,
 * all the time: the account ends no lower than the stated bound (docs/credit.md: one request's reservation below
 * zero), and the edge counter ends exactly equal to the Postgres balance.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../db/schema.ts";
import { findModel } from "../src/catalog/models.ts";
import { priceAt } from "../src/catalog/pricing.ts";
import { drainUsage } from "../src/cron/drain-usage.ts";
import { accountBalanceSql } from "../src/services/usage/post-usage.ts";
import { hashApiKey } from "../src/lib/api-key.ts";
import { reservationMicroUsd } from "../src/services/hot-path/reservation.ts";
import { bearer, gatewayFetch, seedAccount, withDatabase } from "./support/gateway.ts";
import { testRedis } from "./support/stand-ins.ts";

const MODEL = "anthropic/claude-opus-5-5";
const CREDIT = 300_000;
const IN_FLIGHT = 40;
const TOTAL = 160;

describe("credit counter under concurrent cold fills", () => {
  it(
    "never lets the balance fall below one request's reservation, and ends with Redis equal to Postgres",
    { timeout: 120_000 },
    async () => {
      const account = await seedAccount({ creditMicroUsd: CREDIT });
      const redis = testRedis();
      const body = {
        model: MODEL,
        max_tokens: 1_000,
        messages: [{ role: "user", content: "[[sim words=600 chunks=3 delay_ms=60]] spend" }],
      };
      const model = findModel(MODEL)!;
      const bound = reservationMicroUsd(body as never, model, priceAt(model, new Date()));

      const keyHash = await hashApiKey(account.apiKey);
      let running = true;
      const chaos = (async () => {
        for (let tick = 0; running; tick += 1) {
          await redis.del(`omz:key:${keyHash}`);
          if (tick % 3 === 0) await redis.del(`omz:credit:${account.userId}`);
          if (tick % 4 === 0) await withDatabase((db) => drainUsage(redis, db));
          await new Promise((resolve) => setTimeout(resolve, 40));
        }
      })();

      const statuses: number[] = [];
      let next = 0;
      const worker = async () => {
        while (next < TOTAL) {
          next += 1;
          const response = await gatewayFetch("/v1/chat/completions", {
            method: "POST",
            headers: { ...bearer(account.apiKey), "cache-control": "no-store" },
            body: JSON.stringify(body),
          });
          await response.arrayBuffer();
          statuses.push(response.status);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      running = false;
      await chaos;

      const ok = statuses.filter((status) => status === 200).length;
      expect(statuses.filter((status) => status !== 200 && status !== 402 && status !== 503)).toEqual([]);
      expect(statuses.filter((status) => status === 402).length).toBeGreaterThan(0);

      // Every admitted request settles (waitUntil), then its usage lands in Postgres.
      const deadline = Date.now() + 30_000;
      let rows = 0;
      while (Date.now() < deadline) {
        rows = await withDatabase(async (db) => {
          await drainUsage(redis, db);
          const counted = await db.execute<{ n: number }>(
            `SELECT count(*)::int AS n FROM usage_events WHERE user_id = '${account.userId}'`,
          );
          return Number(counted.rows[0]?.n ?? 0);
        });
        if (rows >= ok) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(rows).toBe(ok);
      const [row] = await withDatabase((db) =>
        db.select({ balance: accountBalanceSql }).from(users).where(eq(users.id, account.userId)),
      );
      const balance = Number(row?.balance);
      console.log(
        JSON.stringify({ event: "overspend-test", requests: TOTAL, admitted: ok, credit: CREDIT, balance, bound }),
      );
      expect(balance).toBeGreaterThanOrEqual(-bound);
      // Redis equals Postgres once the account is quiet: every lease given back (its hold returned to the counter by
      // its final flush, after the quiet time) and every usage record drained.
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const held = await redis.hlen(`omz:resv:${account.userId}`);
        const undrained = Number((await redis.get(`omz:undrained:${account.userId}`)) ?? 0);
        if (held === 0 && undrained === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const counter = await redis.get(`omz:credit:${account.userId}`);
      const [quiet] = await withDatabase((db) =>
        db.select({ balance: accountBalanceSql }).from(users).where(eq(users.id, account.userId)),
      );
      if (counter !== null) expect(Number(counter)).toBe(Number(quiet?.balance));
      // Without the guard, the stale fills let far more through than the credit pays for.
      expect(ok).toBeLessThan(TOTAL);
    },
  );
});
