/**
 * `POST /webhooks/eps`: EPS's IPN (https://eps.com.bd/ipn; register this URL in the EPS merchant panel).
 * 1. The body `{ "Data": "<IV>:<ciphertext>" }` is decrypted with EPS_IPN_SECRET (services/billing/eps/ipn-decrypt.ts;
 *    the key derivation is UNCONFIRMED, docs/billing.md); a body that does not decrypt is a 400.
 * 2. Only the merchant transaction id is taken from the payload: the order is verified with
 *    CheckMerchantTransactionStatus like every other path (eps-verification.ts), so a forged, tampered or replayed
 *    IPN grants nothing more than EPS itself confirms, once.
 * Answers `200 { "status": "OK", "message": "IPN received", "outcome" }` (the acknowledgement public EPS receivers
 * send; UNCONFIRMED), also for an order we do not know, so EPS stops retrying it. Nothing from the payload is logged.
 */
import { Hono } from "hono";
import * as z from "zod";
import type { AppEnv } from "../../app-env.ts";
import { GatewayError } from "../../errors.ts";
import { epsSettings } from "../../services/billing/eps/eps-settings.ts";
import { verifyEpsPayment } from "../../services/billing/eps/eps-verification.ts";
import { decryptIpn, ipnMerchantTransactionId } from "../../services/billing/eps/ipn-decrypt.ts";
import { readJsonBody } from "../read-json-body.ts";
import { epsVerificationDeps } from "../api/billing-eps.ts";

const IPN_MAX_BYTES = 64 * 1024;
const ipnBodySchema = z.object({ Data: z.string().min(1).max(IPN_MAX_BYTES) });

export const epsWebhookRoutes = new Hono<AppEnv>();

epsWebhookRoutes.post("/", async (context) => {
  const settings = epsSettings(context.get("config"));
  if (!settings) throw new GatewayError("service_not_configured", "EPS is not configured on this gateway (EPS_*).");
  const { Data } = await readJsonBody(context.req.raw, IPN_MAX_BYTES, ipnBodySchema);
  const payload = await decryptIpn(Data, settings.ipnSecret);
  if (payload === null)
    throw new GatewayError("invalid_webhook_signature", "The IPN's Data does not decrypt with EPS_IPN_SECRET.");
  const merchantReference = ipnMerchantTransactionId(payload);
  if (!merchantReference) throw new GatewayError("invalid_request", "The IPN names no merchant transaction id.");
  const { outcome } = await verifyEpsPayment(epsVerificationDeps(context, settings), merchantReference);
  return context.json({ status: "OK", message: "IPN received", outcome });
});
