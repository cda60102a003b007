import { describe, expect, it } from "vitest";
import { EPS_REQUIRED_BINDINGS, configuredProviders } from "./configured-providers.ts";

const eps = Object.fromEntries(EPS_REQUIRED_BINDINGS.map((name) => [name, "value"]));

describe("configuredProviders", () => {
  it("names neither provider without credentials", () => {
    expect(configuredProviders({})).toEqual({ stripe: false, eps: false });
  });

  it("names Stripe when its secret key is set, not when it is blank", () => {
    expect(configuredProviders({ STRIPE_SECRET_KEY: "sk_test_123" })).toEqual({ stripe: true, eps: false });
    expect(configuredProviders({ STRIPE_SECRET_KEY: "  " })).toEqual({ stripe: false, eps: false });
  });

  it("names EPS only when every credential is set", () => {
    expect(configuredProviders(eps)).toEqual({ stripe: false, eps: true });
    for (const missing of EPS_REQUIRED_BINDINGS) {
      const partial: Record<string, unknown> = { ...eps, [missing]: undefined };
      expect(configuredProviders(partial).eps).toBe(false);
    }
  });
});
