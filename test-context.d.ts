// Values the vitest global setup (local/test-global-setup.ts) provides to the test projects.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    workerBindings: Record<string, string>;
    databaseUrl: string;
    simulatorUrl: string;
    /** The fake Sentry (local/sentry-fake): `GET /_envelopes` lists what the worker reported. */
    sentryFakeUrl: string;
    /** worker/test/fuzz.public-endpoints.test.ts: total cases (0: the short default) and seed (0: random). */
    fuzz: { runs: number; seed: number };
  }
}
