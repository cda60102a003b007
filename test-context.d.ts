// Values the global setup of the `integration-worker` project (local/test-global-setup.ts) provides to its tests.
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
