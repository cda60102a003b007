import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { clerkFrontendApiOrigin, contentSecurityPolicy, headersFile } from "./csp";

const none = { apiUrl: "", clerkPublishableKey: "" };
// "pk_test_" + base64("clerk.example.omnizen.ai$")
const clerkKey = `pk_test_${btoa("clerk.example.omnizen.ai$")}`;

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((part) => {
      const [name = "", ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe("Content-Security-Policy", () => {
  it("web/public/_headers is the policy of a same-origin build without Clerk", () => {
    const committed = readFileSync(new URL("../../public/_headers", import.meta.url), "utf8");
    expect(committed).toBe(headersFile(none));
    expect(committed).toContain("X-Content-Type-Options: nosniff");
    expect(committed).toContain("Referrer-Policy: strict-origin-when-cross-origin");
  });

  it("is strict without Clerk: self only, no inline script, no framing", () => {
    const policy = directives(contentSecurityPolicy(none));
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.get("script-src")).toEqual(["'self'"]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
    expect(policy.get("img-src")).toEqual(["'self'", "data:"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(contentSecurityPolicy(none)).not.toContain("unsafe");
  });

  it("adds the API origin and Clerk's Frontend API when configured, and nothing else", () => {
    const policy = directives(
      contentSecurityPolicy({ apiUrl: "https://api.omnizen.ai/", clerkPublishableKey: clerkKey }),
    );
    expect(policy.get("connect-src")).toEqual(["'self'", "https://api.omnizen.ai", "https://clerk.example.omnizen.ai"]);
    expect(policy.get("script-src")).toEqual(["'self'", "https://clerk.example.omnizen.ai"]);
    expect(policy.get("script-src")).not.toContain("'unsafe-inline'");
  });

  it("relaxes only the dev server (inline React Refresh preamble, inline styles, its HMR socket)", () => {
    const policy = directives(contentSecurityPolicy({ ...none, dev: true }));
    expect(policy.get("script-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get("connect-src")).toEqual(["'self'", "ws://127.0.0.1:*", "ws://localhost:*"]);
  });

  it("reads the Frontend API host from a publishable key", () => {
    expect(clerkFrontendApiOrigin(clerkKey)).toBe("https://clerk.example.omnizen.ai");
    expect(clerkFrontendApiOrigin(`pk_live_${btoa("clerk.omnizen.ai$")}`)).toBe("https://clerk.omnizen.ai");
    expect(clerkFrontendApiOrigin("sk_test_abc")).toBeNull();
    expect(clerkFrontendApiOrigin(`pk_test_${btoa("not a host$")}`)).toBeNull();
  });
});
