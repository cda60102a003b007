import { describe, expect, it } from "vitest";
import { cacheScope } from "./end-user-scope.ts";

const request = (extra: Record<string, unknown> = {}) => ({
  model: "m",
  messages: [{ role: "user" as const, content: "hi" }],
  ...extra,
});

describe("cacheScope", () => {
  it("is the key hash alone when no end user is named (empty ids count as none)", () => {
    expect(cacheScope("hash", request())).toBe("hash");
    expect(cacheScope("hash", request({ user: "", safety_identifier: null }))).toBe("hash");
  });

  it("differs per end user, per field, and is stable for the same one", () => {
    const scopes = [
      cacheScope("hash", request({ user: "alice" })),
      cacheScope("hash", request({ user: "bob" })),
      cacheScope("hash", request({ safety_identifier: "alice" })),
      cacheScope("hash", request({ user: "alice", safety_identifier: "alice" })),
    ];
    expect(new Set(scopes).size).toBe(4);
    expect(cacheScope("hash", request({ user: "alice" }))).toBe(scopes[0]);
    expect(scopes.every((scope) => scope.startsWith("hash\n"))).toBe(true);
  });
});
