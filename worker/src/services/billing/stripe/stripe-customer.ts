/**
 * The account's Stripe Customer (`users.stripe_customer_id`): created on the first checkout with the account id in
 * metadata and an idempotency key per account, so two concurrent checkouts make one customer; deleted with the
 * account (policy 5), which also cancels its subscriptions at Stripe.
 */
import { and, eq, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "../../../../../db/client.ts";
import { users } from "../../../../../db/schema.ts";
import type { PaymentCustomerEraser } from "../../privacy/privacy-deps.ts";

export async function ensureStripeCustomer(db: Database, stripe: Stripe, userId: string): Promise<string> {
  const [user] = await db
    .select({ customerId: users.stripeCustomerId, email: users.email })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw new Error("account not found");
  if (user.customerId) return user.customerId;
  const customer = await stripe.customers.create(
    { metadata: { user_id: userId }, ...(user.email ? { email: user.email } : {}) },
    { idempotencyKey: `customer-${userId}` },
  );
  await db
    .update(users)
    .set({ stripeCustomerId: customer.id })
    .where(and(eq(users.id, userId), isNull(users.stripeCustomerId)));
  return customer.id;
}

/** Policy 5: the account's Stripe Customer goes with it (`resource_missing` counts as already gone). */
export function stripeCustomerEraser(db: Database, stripe: Stripe): PaymentCustomerEraser {
  return {
    async eraseCustomer(userId) {
      const [user] = await db.select({ customerId: users.stripeCustomerId }).from(users).where(eq(users.id, userId));
      if (!user?.customerId) return "already-gone";
      try {
        await stripe.customers.del(user.customerId);
      } catch (error) {
        if ((error as { code?: string }).code !== "resource_missing") throw error;
        await clearCustomer(db, userId);
        return "already-gone";
      }
      await clearCustomer(db, userId);
      return "deleted";
    },
  };
}

async function clearCustomer(db: Database, userId: string): Promise<void> {
  await db.update(users).set({ stripeCustomerId: null }).where(eq(users.id, userId));
}
