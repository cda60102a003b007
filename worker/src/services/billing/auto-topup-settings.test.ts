import { describe, expect, it } from "vitest";
import { AUTO_TOPUP } from "../../catalog/billing-catalog.ts";
import { autoTopupSettingsRequestSchema } from "./auto-topup-settings.ts";

const firstIssue = (body: unknown) => {
  const result = autoTopupSettingsRequestSchema.safeParse(body);
  return result.success
    ? null
    : { path: result.error.issues[0]?.path.join("."), message: result.error.issues[0]?.message };
};

describe("auto top-up settings", () => {
  it("accepts the bounds and every offered pack, and turning it off with nothing chosen", () => {
    for (const packId of AUTO_TOPUP.packIds) {
      expect(firstIssue({ enabled: true, thresholdMicroUsd: AUTO_TOPUP.minThresholdMicroUsd, packId })).toBeNull();
    }
    expect(
      firstIssue({ enabled: true, thresholdMicroUsd: AUTO_TOPUP.maxThresholdMicroUsd, packId: "pack-10" }),
    ).toBeNull();
    expect(firstIssue({ enabled: false, thresholdMicroUsd: null, packId: null })).toBeNull();
  });

  it("names the field of each refusal", () => {
    const cases: Array<[unknown, string]> = [
      [
        { enabled: true, thresholdMicroUsd: AUTO_TOPUP.minThresholdMicroUsd - 1, packId: "pack-10" },
        "thresholdMicroUsd",
      ],
      [
        { enabled: true, thresholdMicroUsd: AUTO_TOPUP.maxThresholdMicroUsd + 1, packId: "pack-10" },
        "thresholdMicroUsd",
      ],
      [{ enabled: true, thresholdMicroUsd: 1_500_000.5, packId: "pack-10" }, "thresholdMicroUsd"],
      [{ enabled: true, thresholdMicroUsd: 5_000_000, packId: "pack-5" }, "packId"],
      [{ enabled: true, thresholdMicroUsd: 5_000_000, packId: "pack-1000" }, "packId"],
      [{ enabled: true, thresholdMicroUsd: null, packId: "pack-10" }, "thresholdMicroUsd"],
      [{ enabled: true, thresholdMicroUsd: 5_000_000, packId: null }, "packId"],
      [{ enabled: "yes", thresholdMicroUsd: 5_000_000, packId: "pack-10" }, "enabled"],
      [{ enabled: true, thresholdMicroUsd: 5_000_000, packId: "pack-10", card: "4242" }, ""],
    ];
    for (const [body, path] of cases) expect(firstIssue(body)?.path, JSON.stringify(body)).toBe(path);
  });

  it("says the bounds in the message", () => {
    expect(firstIssue({ enabled: true, thresholdMicroUsd: 1, packId: "pack-10" })?.message).toContain(
      "1 USD to 100 USD",
    );
  });
});
