/**
 * `/api/account`: the caller's profile (policy 1.1; policy 5 "Correct").
 * - `GET /api/account` → `Account` (contracts/account-api.ts).
 * - `PATCH /api/account` `ProfileUpdate` (`{ name?, email?, phone?, promptCacheEnabled?, allowedJurisdictions? }`) →
 *   `UpdatedProfile` (`Account & { pendingVerification: { email, phone } }`).
 *
 * Name, email and phone belong to Clerk: with `CLERK_SECRET_KEY` set they change through Clerk's Backend API, and our
 * row follows what Clerk answered (a new email or phone waits for the user to verify it in Clerk; see
 * clerk-profile.ts). Without a Clerk secret (local development) they change in our row directly. The prompt-cache
 * setting and jurisdictions are ours; changing them deletes the edge records of the account's keys so the next
 * request sees them. Turning the prompt cache off also deletes the account's cache entries at once.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { profileUpdateSchema, type Account, type UpdatedProfile } from "../../contracts/account-api.ts";
import { DASHBOARD_BODY_MAX_BYTES } from "../../contracts/request-fields.ts";
import { readJsonBody } from "../read-json-body.ts";
import { changeClerkProfile, type ClerkChangeOutcome } from "../../services/identity/clerk-profile.ts";
import { applyClerkProfile } from "../../services/identity/clerk-user-sync.ts";
import { invalidateAccountKeyRecords } from "../../services/identity/key-record-invalidation.ts";
import { readProfile, updateLocalProfile } from "../../services/identity/profile.ts";
import { turnAccountCacheOff, turnAccountCacheOn } from "../../services/prompt-cache/account-cache-switch.ts";

export const profileRoutes = new Hono<AppEnv>();

profileRoutes.get("/", async (context) => {
  const profile: Account = await readProfile(context.get("services").database(), context.get("account").userId);
  return context.json(profile);
});

profileRoutes.patch("/", async (context) => {
  const body = await readJsonBody(context.req.raw, DASHBOARD_BODY_MAX_BYTES, profileUpdateSchema);
  const config = context.get("config");
  const db = context.get("services").database();
  const { userId, clerkUserId } = context.get("account");
  const current = await readProfile(db, userId);
  // Only what differs goes to Clerk: re-adding the current address would be refused as a duplicate.
  const name = body.name !== undefined && body.name !== (current.name ?? "") ? body.name : undefined;
  const email = body.email !== undefined && body.email !== current.email ? body.email : undefined;
  const phone = body.phone !== undefined && body.phone !== current.phone ? body.phone : undefined;

  let pendingVerification: ClerkChangeOutcome["pendingVerification"] = { email: null, phone: null };
  if (config.CLERK_SECRET_KEY) {
    const outcome = await changeClerkProfile(
      { secretKey: config.CLERK_SECRET_KEY, apiUrl: config.CLERK_API_URL },
      clerkUserId,
      { name, email, phone },
    );
    if (outcome.profile) await applyClerkProfile(db, outcome.profile);
    pendingVerification = outcome.pendingVerification;
    await updateLocalProfile(db, userId, {
      promptCacheEnabled: body.promptCacheEnabled,
      allowedJurisdictions: body.allowedJurisdictions,
    });
  } else {
    await updateLocalProfile(db, userId, { ...body, name, email, phone });
  }
  if (body.promptCacheEnabled !== undefined || body.allowedJurisdictions !== undefined) {
    await invalidateAccountKeyRecords(db, context.get("redis"), userId, context.executionCtx);
  }
  // Off means gone: the account's cached answers are deleted now, not left to expire within the hour.
  if (body.promptCacheEnabled === false) await turnAccountCacheOff(context.get("redis"), userId);
  if (body.promptCacheEnabled === true) await turnAccountCacheOn(context.get("redis"), userId);
  return context.json({ ...(await readProfile(db, userId)), pendingVerification } satisfies UpdatedProfile);
});
