/**
 * What starts retention's clocks: billing's `markSubscriptionEnded` / `markSubscriptionRenewed` (users.cancelled_at,
 * policy 4.3), and accounts that never confirmed their age (policy 7), removed 7 days after they were created.
 * The clock is set in 2001, as in retention.test.ts, so the tests own every row older than 2002.
 */
import { eq, lt, or } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { users } from "../../db/schema.ts";
import { UNCONFIRMED_AGE_REMOVAL_DAYS, runRetention } from "../src/cron/retention.ts";
import { markSubscriptionEnded, markSubscriptionRenewed } from "../src/services/billing/subscription-end.ts";
import { clerkRequests } from "./support/dashboard.ts";
import { withDatabase } from "./support/gateway.ts";
import {
  rowsReferencingAccount,
  seedLinkedAccount,
  testPrivacyDeps,
  type LinkedAccount,
} from "./support/privacy-fixtures.ts";

const NOW = new Date("2001-06-30T12:00:00Z");
const DAY = 24 * 3600 * 1000;
const daysBefore = (days: number) => new Date(NOW.getTime() - days * DAY);
const TEST_ERA_END = new Date("2002-01-01T00:00:00Z");

beforeEach(async () => {
  await withDatabase((db) =>
    db.delete(users).where(or(lt(users.cancelledAt, TEST_ERA_END), lt(users.createdAt, TEST_ERA_END))),
  );
});

const cancelledAtOf = async (account: LinkedAccount) =>
  (await withDatabase((db) => db.select({ at: users.cancelledAt }).from(users).where(eq(users.id, account.userId))))[0]
    ?.at ?? null;
const retention = () => withDatabase((db) => runRetention(testPrivacyDeps(db), NOW));

describe("subscription end (billing's hook)", () => {
  it("sets cancelled_at, keeps the earliest end on repeats, and clears it on renewal", async () => {
    const account = await seedLinkedAccount();
    expect(await withDatabase((db) => markSubscriptionEnded(db, account.userId, daysBefore(10)))).toBe(true);
    expect(await cancelledAtOf(account)).toEqual(daysBefore(10));
    // A retry or a later "ended" event does not push retention back; an earlier one moves it forward.
    expect(await withDatabase((db) => markSubscriptionEnded(db, account.userId, daysBefore(2)))).toBe(false);
    expect(await cancelledAtOf(account)).toEqual(daysBefore(10));
    expect(await withDatabase((db) => markSubscriptionEnded(db, account.userId, daysBefore(12)))).toBe(true);
    expect(await cancelledAtOf(account)).toEqual(daysBefore(12));
    expect(await withDatabase((db) => markSubscriptionRenewed(db, account.userId))).toBe(true);
    expect(await cancelledAtOf(account)).toBeNull();
    expect(await withDatabase((db) => markSubscriptionRenewed(db, account.userId))).toBe(false);
  });

  it("starts retention's 30 days: an account ended 31 days ago is removed, a renewed one is kept", async () => {
    const ended = await seedLinkedAccount();
    const renewed = await seedLinkedAccount();
    await withDatabase(async (db) => {
      await markSubscriptionEnded(db, ended.userId, daysBefore(31));
      await markSubscriptionEnded(db, renewed.userId, daysBefore(31));
      await markSubscriptionRenewed(db, renewed.userId);
    });
    const report = await retention();
    expect(report.expiredAccounts).toMatchObject({ due: 1, ageUnconfirmed: 0, completed: 1 });
    expect((await withDatabase((db) => rowsReferencingAccount(db, ended.userId))).users).toBe(0);
    expect((await withDatabase((db) => rowsReferencingAccount(db, renewed.userId))).users).toBe(1);
  });
});

describe(`accounts that never confirmed their age (policy 7): removed after ${UNCONFIRMED_AGE_REMOVAL_DAYS} days`, () => {
  async function unconfirmedAccount(createdDaysAgo: number): Promise<LinkedAccount> {
    const account = await seedLinkedAccount();
    await withDatabase((db) =>
      db
        .update(users)
        .set({ ageConfirmedAt: null, createdAt: daysBefore(createdDaysAgo) })
        .where(eq(users.id, account.userId)),
    );
    return account;
  }

  it("removes one created more than 7 days ago with its Clerk user, and keeps younger and confirmed ones", async () => {
    const old = await unconfirmedAccount(8);
    const young = await unconfirmedAccount(6);
    const confirmed = await seedLinkedAccount();
    await withDatabase((db) =>
      db
        .update(users)
        .set({ createdAt: daysBefore(400) })
        .where(eq(users.id, confirmed.userId)),
    );

    const report = await retention();
    expect(report.expiredAccounts).toMatchObject({ due: 1, ageUnconfirmed: 1, completed: 1, failed: 0 });
    expect(await withDatabase((db) => rowsReferencingAccount(db, old.userId))).toEqual({
      users: 0,
      api_keys: 0,
      usage_events: 0,
      request_logs: 0,
      // Billing rows are kept anonymised (docs/billing.md): the seed's ledger grant no longer names the account.
      subscriptions: 0,
      payments: 0,
      credit_ledger: 0,
    });
    expect(await clerkRequests(old.clerkUserId)).toContainEqual(expect.objectContaining({ method: "DELETE" }));
    for (const kept of [young, confirmed])
      expect((await withDatabase((db) => rowsReferencingAccount(db, kept.userId))).users).toBe(1);

    // The younger one goes once it is past 7 days too.
    const later = await withDatabase((db) => runRetention(testPrivacyDeps(db), new Date(NOW.getTime() + 2 * DAY)));
    expect(later.expiredAccounts).toMatchObject({ due: 1, ageUnconfirmed: 1, completed: 1 });
    expect((await withDatabase((db) => rowsReferencingAccount(db, young.userId))).users).toBe(0);
  });
});
