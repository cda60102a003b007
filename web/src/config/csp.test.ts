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

  it("allows no other host behind a same-origin Clerk proxy, and the proxy's origin behind an absolute one", () => {
    const relative = directives(
      contentSecurityPolicy({ apiUrl: "", clerkPublishableKey: clerkKey, clerkProxyUrl: "/__clerk" }),
    );
    expect(relative.get("script-src")).toEqual(["'self'"]);
    expect(relative.get("connect-src")).toEqual(["'self'"]);
    expect(relative.get("frame-src")).toEqual(["'self'"]);
    expect(relative.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    const absolute = directives(
      contentSecurityPolicy({
        apiUrl: "",
        clerkPublishableKey: clerkKey,
        clerkProxyUrl: "https://auth.omnizen.ai/__clerk",
      }),
    );
    expect(absolute.get("script-src")).toEqual(["'self'", "https://auth.omnizen.ai"]);
    expect(absolute.get("connect-src")).toEqual(["'self'", "https://auth.omnizen.ai"]);
    expect(contentSecurityPolicy({ ...none, clerkProxyUrl: "/__clerk" })).toBe(contentSecurityPolicy(none));
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
