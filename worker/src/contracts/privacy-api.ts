/**
 * The dashboard API's contract for the account's rights under policy 5 (routes/api/privacy.ts): the export document
 * (`GET /api/account/export`, a JSON download with columns under their SQL names) and the deletion
 * (`DELETE /api/account`). zod only (contracts/dashboard-api.ts explains why).
 */
import * as z from "zod";

const rowSchema = z.record(z.string(), z.unknown());

/** `GET /api/account/export`: everything Postgres holds about the account (services/privacy/export-account.ts). */
export const accountExportSchema = z.object({
  format: z.literal("omnizen-account-export"),
  version: z.literal(1),
  exported_at: z.iso.datetime({ offset: true }),
  user_id: z.uuid(),
  /** Each section's name and what it holds. */
  contents: z.record(z.string(), z.string()),
  users: rowSchema.nullable(),
  api_keys: z.array(rowSchema),
  usage_events: z.array(rowSchema),
  request_logs: z.array(rowSchema),
  subscriptions: z.array(rowSchema),
  payments: z.array(rowSchema),
  credit_ledger: z.array(rowSchema),
});

/** `DELETE /api/account` body: the account's primary email, typed by the user to confirm. */
export const deleteAccountInputSchema = z.object({
  confirm: z.string("must be the account's primary email address, as a string"),
});

/** `DELETE /api/account` answer, once everything is gone. */
export const deletedAccountSchema = z.object({ deleted: z.literal(true) });

export type AccountExport = z.infer<typeof accountExportSchema>;
export type DeleteAccountInput = z.input<typeof deleteAccountInputSchema>;
export type DeletedAccount = z.infer<typeof deletedAccountSchema>;
