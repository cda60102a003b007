/** Inbound webhooks (`/webhooks/*`): each verifies its signature on the raw body before parsing. */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { clerkWebhookRoutes } from "./clerk.ts";
import { stripeWebhookRoutes } from "./stripe.ts";

export const webhookRoutes = new Hono<AppEnv>();
webhookRoutes.route("/clerk", clerkWebhookRoutes);
webhookRoutes.route("/stripe", stripeWebhookRoutes);
