/**
 * Tombstones of deleted Clerk users, kept in Redis for a week. After `user.deleted`, a session token that is still
 * within its lifetime, or a late retry of an older `user.updated` webhook, must not bring the account back as a new
 * empty row. Svix retries a webhook for about a day and a half, so a week covers every retry.
 */
import type { Redis } from "@upstash/redis/cloudflare";

export const DELETED_USER_TOMBSTONE_SECONDS = 7 * 24 * 3600;

const tombstoneKey = (clerkUserId: string) => `omz:clerk-deleted:${clerkUserId}`;

export async function markClerkUserDeleted(redis: Redis, clerkUserId: string): Promise<void> {
  await redis.set(tombstoneKey(clerkUserId), "1", { ex: DELETED_USER_TOMBSTONE_SECONDS });
}

export async function isClerkUserDeleted(redis: Redis, clerkUserId: string): Promise<boolean> {
  return (await redis.exists(tombstoneKey(clerkUserId))) === 1;
}
