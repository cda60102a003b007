// The privacy policy the SPA shows at /policy (docs/privacy-policy.txt). Bump both when the text changes, and
// announce a material change as a policy notice at least 30 days ahead (policy section 9).
export const policy = {
  version: "1.0",
  /** The date the text took effect (ISO date). */
  date: "2026-12-06",
} as const;
