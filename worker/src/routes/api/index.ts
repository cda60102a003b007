/**
 * The dashboard API (`/api/*`), for the SPA: Clerk session JWTs only (never API keys). Each feature mounts its own
 * sub-router here, one line each.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../app-env.ts";
import { dashboardAuth } from "../../middleware/dashboard-auth.ts";
import { dashboardCors } from "../../middleware/dashboard-cors.ts";
import { accountRoutes } from "./account.ts";
import { billingEpsRoutes } from "./billing-eps.ts";
import { billingRoutes } from "./billing.ts";
import { billingStripeRoutes } from "./billing-stripe.ts";
import { modelCatalogRoutes, noticeRoutes } from "./catalog.ts";
import { devSignInRoutes } from "./dev-sign-in.ts";
import { keyRoutes } from "./keys.ts";
import { privacyRoutes } from "./privacy.ts";
import { profileRoutes } from "./profile.ts";
import { usageRoutes } from "./usage.ts";

export const apiRoutes = new Hono<AppEnv>();
// Order matters: CORS first (preflights carry no token), then the unauthenticated dev sign-in (404 unless enabled),
// then the session check, which must stay above every other route.
apiRoutes.use("*", dashboardCors());
apiRoutes.route("/dev", devSignInRoutes);
apiRoutes.use("*", dashboardAuth());
apiRoutes.route("/keys", keyRoutes);
apiRoutes.route("/account", profileRoutes);
apiRoutes.route("/account", accountRoutes);
apiRoutes.route("/account", privacyRoutes);
apiRoutes.route("/usage", usageRoutes);
apiRoutes.route("/models", modelCatalogRoutes);
apiRoutes.route("/notices", noticeRoutes);
apiRoutes.route("/billing/eps", billingEpsRoutes);
apiRoutes.route("/billing", billingRoutes);
apiRoutes.route("/billing", billingStripeRoutes);
