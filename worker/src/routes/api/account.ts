/**
 * `POST /api/account/confirm-age` `{ "confirmed13OrOlder": true }` → the profile (`Account`,
 * contracts/account-api.ts) with `ageConfirmedAt` set. omnizen is for users 13 and older (policy 7); until this is
 * confirmed, the dashboard API answers 403 `age_confirmation_required` (middleware/dashboard-auth.ts).
 */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { confirmAgeInputSchema, type Account } from "../../contracts/account-api.ts";
import { DASHBOARD_BODY_MAX_BYTES } from "../../contracts/request-fields.ts";
import { readJsonBody } from "../read-json-body.ts";
import { confirmAge, readProfile } from "../../services/identity/profile.ts";

export const accountRoutes = new Hono<AppEnv>();

accountRoutes.post("/confirm-age", async (context) => {
  await readJsonBody(context.req.raw, DASHBOARD_BODY_MAX_BYTES, confirmAgeInputSchema);
  const db = context.get("services").database();
  const { userId } = context.get("account");
  await confirmAge(db, userId);
  const profile: Account = await readProfile(db, userId);
  return context.json(profile);
});
