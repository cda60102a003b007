/**
 * `POST /api/dev/sign-in`'s answer (development and test only; routes/api/dev-sign-in.ts): a session token for the
 * seeded local user. zod only (contracts/dashboard-api.ts explains why).
 */
import * as z from "zod";

export const devSignInSchema = z.object({
  token: z.string().min(1),
  expiresAt: z.iso.datetime({ offset: true }),
  clerkUserId: z.literal("local_dev_user"),
});

export type DevSignIn = z.infer<typeof devSignInSchema>;
