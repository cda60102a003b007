import { describe, expect, it } from "vitest";
import { decodeReasoningCarrier, encodeReasoningCarrier } from "./reasoning-carrier.ts";

describe("reasoning carrier", () => {
  it("round-trips text in any script, a signature and thought signatures, URL-safe", () => {
    const carrier = {
      provider: "deepseek",
      model: "deepseek/deepseek-v4-pro",
      text: `চিন্তা 🙂 ${"long reasoning ".repeat(5000)}`,
      signature: "c2ln+/==",
      tool_signatures: { call_1: "t1" },
    };
    const encoded = encodeReasoningCarrier(carrier);
    expect(encoded).toMatch(/^omz1\.[A-Za-z0-9_-]+$/);
    expect(decodeReasoningCarrier(encoded)).toEqual({ v: 1, ...carrier });
  });

  it("reads anything else as null, never throwing", () => {
    const json = (value: unknown) => `omz1.${Buffer.from(JSON.stringify(value)).toString("base64url")}`;
    for (const value of [
      undefined,
      null,
      42,
      "gAAAAABo-openai-encrypted",
      "omz1.",
      "omz1.not base64!",
      `omz1.${Buffer.from([0xff, 0xfe]).toString("base64url")}`,
      json({ v: 2, provider: "p", model: "m", text: "" }),
      json({ v: 1, provider: "p", model: "m" }),
      json({ v: 1, provider: "p", model: "m", text: "", tool_signatures: { a: 1 } }),
      json(["v", 1]),
    ]) {
      expect(decodeReasoningCarrier(value)).toBeNull();
    }
  });
});
