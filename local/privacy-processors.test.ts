/**
 * The processor table of docs/privacy.md (policy 6) matches what the code uses: the infrastructure the worker's
 * configuration names (Cloudflare, Neon, Upstash, Clerk, Stripe, EPS, Sentry) and every upstream in the provider
 * registry.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LITELLM_PROVIDER_IDS } from "../worker/src/providers/litellm/litellm-models.ts";
import { PROVIDER_IDS } from "../worker/src/providers/provider-ids.ts";

const privacyDoc = readFileSync(new URL("../docs/privacy.md", import.meta.url), "utf8");
const section = privacyDoc.slice(privacyDoc.indexOf("## Processors"));
const table = section.slice(0, section.indexOf("\n\n", section.indexOf("| processor")));
const processors = table
  .split("\n")
  .filter((line) => line.startsWith("| ") && !line.startsWith("| processor") && !line.startsWith("|---"))
  .map((line) => line.split("|")[1]?.trim() ?? "");

describe("docs/privacy.md processors", () => {
  it("lists the infrastructure the code uses, and no processor it does not", () => {
    for (const name of ["Cloudflare", "Neon", "Upstash", "Clerk", "Stripe", "EPS", "Sentry"]) {
      expect(
        processors.some((processor) => processor.startsWith(name)),
        name,
      ).toBe(true);
    }
    expect(processors.some((processor) => /EC2/.test(processor))).toBe(false);
    // The LiteLLM relay exists in the code (docs/litellm.md), so the optional proxy is listed.
    expect(LITELLM_PROVIDER_IDS.length).toBeGreaterThan(0);
    expect(processors.some((processor) => processor.startsWith("LiteLLM"))).toBe(true);
  });

  it("lists every provider of the registry by id", () => {
    const providers = processors.find((processor) => processor.startsWith("LLM providers")) ?? "";
    expect(
      providers
        .match(/`([a-z]+)`/g)
        ?.map((id) => id.replaceAll("`", ""))
        .sort(),
    ).toEqual([...PROVIDER_IDS].sort());
  });
});
