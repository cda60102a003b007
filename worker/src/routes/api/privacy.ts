/**
 * The account's rights under policy 5, for the SPA's Settings → Danger zone (session auth:
 * middleware/dashboard-auth.ts):
 * - `GET /api/account/export` → the whole account as one JSON document (`AccountExport`, contracts/privacy-api.ts),
 *   streamed as it is read (`content-disposition: attachment; filename="omnizen-export-<YYYY-MM-DD>.json"`;
 *   services/privacy/export-account.ts).
 * - `DELETE /api/account` `{ "confirm": "<the account's primary email>" }` → `{ "deleted": true }` once everything is
 *   gone (services/privacy/delete-account.ts). A missing, wrong or non-string confirmation, or a body that is not
 *   JSON, is a 400 and deletes nothing. Safe to retry after a failure. Needs a recent sign-in (403
 *   `reverification_required` otherwise; session-token.ts).
 */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { deleteAccountInputSchema, type DeletedAccount } from "../../contracts/privacy-api.ts";
import { DASHBOARD_BODY_MAX_BYTES } from "../../contracts/request-fields.ts";
import { GatewayError } from "../../errors.ts";
import { readJsonBody } from "../read-json-body.ts";
import { requireRecentSignIn } from "../../services/identity/session-token.ts";
import { createPrivacyDeps } from "../../services/privacy/create-privacy-deps.ts";
import { deleteAccount } from "../../services/privacy/delete-account.ts";
import { checkDeletionConfirmation } from "../../services/privacy/deletion-confirmation.ts";
import { exportAccount } from "../../services/privacy/export-account.ts";

export const privacyRoutes = new Hono<AppEnv>();

privacyRoutes.get("/export", async (context) => {
  const { userId } = context.get("account");
  const { requestId } = context.get("meta");
  const now = new Date();
  // A pool of its own, held until the stream has read its last page (after the handler returned and the request's
  // pool was ended), and ended then, in the background.
  const stream = await new Promise<ReadableStream<Uint8Array> | null>((resolve, reject) => {
    const exporting = context.get("services").withDatabase(async (db) => {
      let release: () => void = () => {};
      const released = new Promise<void>((done) => (release = done));
      const stream = await exportAccount(db, userId, {
        now,
        onDone: (summary) => {
          const { status, pages, rows } = summary;
          console.log(JSON.stringify({ event: "account-export", requestId, userId, status, pages, rows }));
          release();
        },
      });
      resolve(stream);
      if (stream) await released;
    });
    context.executionCtx.waitUntil(exporting.catch(reject));
  });
  if (!stream) throw new GatewayError("not_found", "There is no account to export.");
  return context.body(stream, 200, {
    "content-type": "application/json",
    "content-disposition": `attachment; filename="omnizen-export-${now.toISOString().slice(0, 10)}.json"`,
    "cache-control": "no-store",
  });
});

privacyRoutes.delete("/", async (context) => {
  requireRecentSignIn(context.get("session"));
  const { confirm } = await readJsonBody(context.req.raw, DASHBOARD_BODY_MAX_BYTES, deleteAccountInputSchema);
  const { userId } = context.get("account");
  const db = context.get("services").database();
  const check = await checkDeletionConfirmation(db, userId, confirm);
  if (check === "mismatch") {
    throw new GatewayError(
      "invalid_request",
      'The confirmation does not match: send {"confirm": "<your account\'s primary email address>"}.',
      {
        param: "confirm",
      },
    );
  }
  // "no-account": a repeated request after the account is gone; there is nothing left to delete.
  if (check === "confirmed") {
    const deps = createPrivacyDeps(context.get("config"), db, context.get("redis"));
    await deleteAccount(deps, userId);
  }
  return context.json({ deleted: true } satisfies DeletedAccount);
});
