/**
 * The rules of `PUT /api/billing/auto-topup`'s body, on top of the contract's shape (contracts/billing-api.ts): no
 * unknown field; a threshold within `AUTO_TOPUP`'s bounds; a pack among `AUTO_TOPUP.packIds`; both named when auto
 * top-up is on. Each failure names its field (`param`), in the API's error shape (routes/read-json-body.ts).
 */
import * as z from "zod";
import { AUTO_TOPUP } from "../../catalog/billing-catalog.ts";
import { autoTopupRequestSchema } from "../../contracts/billing-api.ts";

const usd = (microUsd: number): string => `${microUsd / 1_000_000} USD`;

export const autoTopupSettingsRequestSchema = z
  .strictObject(autoTopupRequestSchema.shape)
  .superRefine((settings, context) => {
    const threshold = settings.thresholdMicroUsd;
    if (
      threshold !== null &&
      (threshold < AUTO_TOPUP.minThresholdMicroUsd || threshold > AUTO_TOPUP.maxThresholdMicroUsd)
    ) {
      context.addIssue({
        code: "custom",
        path: ["thresholdMicroUsd"],
        message: `must be between ${AUTO_TOPUP.minThresholdMicroUsd} and ${AUTO_TOPUP.maxThresholdMicroUsd} micro-USD (${usd(AUTO_TOPUP.minThresholdMicroUsd)} to ${usd(AUTO_TOPUP.maxThresholdMicroUsd)})`,
      });
    }
    if (settings.packId !== null && !(AUTO_TOPUP.packIds as readonly string[]).includes(settings.packId)) {
      context.addIssue({
        code: "custom",
        path: ["packId"],
        message: `must be one of ${AUTO_TOPUP.packIds.join(", ")}`,
      });
    }
    if (settings.enabled && threshold === null) {
      context.addIssue({ code: "custom", path: ["thresholdMicroUsd"], message: "is required to turn auto top-up on" });
    }
    if (settings.enabled && settings.packId === null) {
      context.addIssue({ code: "custom", path: ["packId"], message: "is required to turn auto top-up on" });
    }
  });
