/**
 * `POST /api/account/confirm-age` `{ "confirmed13OrOlder": true }` → the profile (`ProfileView`) with
 * `ageConfirmedAt` set. omnizen is for users 13 and older (policy 7); until this is confirmed, the dashboard API
 * answers 403 `age_confirmation_required` (middleware/dashboard-auth.ts).
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env.ts";
import { readJsonBody } from "../read-json-body.ts";
import { confirmAge, readProfile } from "../../services/identity/profile.ts";
import { DASHBOARD_BODY_MAX_BYTES } from "../../services/identity/request-schemas.ts";

const confirmAgeSchema = z.strictObject({
  confirmed13OrOlder: z.literal(true, "must be true: omnizen is for users 13 and older"),
});

export const accountRoutes = new Hono<AppEnv>();

accountRoutes.post("/confirm-age", async (context) => {
  await readJsonBody(context.req.raw, DASHBOARD_BODY_MAX_BYTES, confirmAgeSchema);
  const db = context.get("services").database();
  const { userId } = context.get("account");
  await confirmAge(db, userId);
  return context.json(await readProfile(db, userId));
});
