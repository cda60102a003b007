import { describe, expect, it } from "vitest";
import { spendPeriodSchema } from "../../contracts/keys-api.ts";
import { SPEND_PERIODS } from "../../lib/spend-period.ts";

// lib/ may import nothing else in worker/src and contracts/ only zod, so the list of spend periods is written in both:
// the keys API validates with the contract's, the admission script and settlement bucket with lib's.
describe("spend periods", () => {
  it("are the same in the keys API's contract and in lib/spend-period.ts", () => {
    expect([...SPEND_PERIODS]).toEqual(spendPeriodSchema.options);
  });
});
