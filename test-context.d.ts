// Values the global setups of the `integration-worker` project (local/test-global-setup.ts) and the `browser` project
// (local/browser/global-setup.ts) provide to their tests.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    workerBindings: Record<string, string>;
    databaseUrl: string;
    simulatorUrl: string;
    /** The EPS simulator (local/eps-sim): its `/_sim/` controls drive payments in worker/test/billing.eps.*. */
    epsSimulatorUrl: string;
    /** The Stripe simulator (local/stripe-sim): webhooks wait in its outbox (`POST /_sim/outbox/take`). */
    stripeSimUrl: string;
    /** The fake Sentry (local/sentry-fake): `GET /_envelopes` lists what the worker reported. */
    sentryFakeUrl: string;
    /** worker/test/fuzz.public-endpoints.test.ts: total cases (0: the short default) and seed (0: random). */
    fuzz: { runs: number; seed: number };
    /** The `browser` project (local/browser/global-setup.ts): the SPA, the gateway and their stores. */
    browserStack: {
      spaUrl: string;
      /** The same SPA in Clerk mode (a publishable key, Clerk's Frontend API through the proxy `/__clerk`). */
      clerkSpaUrl: string;
      gatewayUrl: string;
      databaseUrl: string;
      /** The Upstash stand-in (REST) in front of their Redis database. */
      upstash: { url: string; token: string };
      /** The fake Clerk (Backend and Frontend API); `POST /_browser/reset` starts it over (clerk-front.ts). */
      clerkFakeUrl: string;
      /** The payment providers' hosted pages (simulators) the SPA sends the browser to for a checkout. */
      paymentPageUrls: { eps: string; stripe: string };
      /** Where screenshots go (.artifacts/browser, git-ignored). */
      artifactsDir: string;
    };
  }
}
