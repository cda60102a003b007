import { describe, expect, it } from "vitest";
import { throttleSubject } from "./throttle-subject.ts";

describe("throttleSubject", () => {
  it("keeps an IPv4 address as it is", () => {
    expect(throttleSubject("203.0.113.9")).toBe("203.0.113.9");
  });

  it("counts every address of one IPv6 /64 as one subject, however it is written", () => {
    const subjects = [
      "2001:db8:1:2::1",
      "2001:0db8:0001:0002:ffff:ffff:ffff:ffff",
      "2001:DB8:1:2:0:0:0:abcd",
      "2001:db8:1:2::1.2.3.4",
    ].map(throttleSubject);
    expect(new Set(subjects)).toEqual(new Set(["2001:db8:1:2::/64"]));
    expect(throttleSubject("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(throttleSubject("::1")).toBe("0:0:0:0::/64");
  });

  it("counts an IPv4-mapped IPv6 address as its IPv4 address", () => {
    expect(throttleSubject("::ffff:203.0.113.9")).toBe("203.0.113.9");
  });

  it("gives nothing for no address and a bounded subject for garbage", () => {
    expect(throttleSubject(undefined)).toBe("");
    expect(throttleSubject("  ")).toBe("");
    expect(throttleSubject(":::".repeat(100))).toHaveLength(64);
  });
});
