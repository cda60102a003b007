/**
 * Inbound webhooks (`/webhooks/*`): each verifies its signature on the raw body before parsing. EPS's IPN is encrypted
 * instead: it is decrypted first, and its order verified with EPS.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { clerkWebhookRoutes } from "./clerk.ts";
import { epsWebhookRoutes } from "./eps.ts";
import { stripeWebhookRoutes } from "./stripe.ts";

export const webhookRoutes = new Hono<AppEnv>();
webhookRoutes.route("/clerk", clerkWebhookRoutes);
webhookRoutes.route("/eps", epsWebhookRoutes);
webhookRoutes.route("/stripe", stripeWebhookRoutes);
