import { describe, expect, it } from "vitest";
import {
  changeEffectiveWithinMs,
  concurrencyOverLimit,
  creditOverdraftMicroUsd,
  quietReturnWithinMs,
  requestsOverLimit,
} from "./edge-bounds.ts";
import { KEY_RECORD_MAX_STALE_MS } from "./edge-key-records.ts";

describe("edge bounds", () => {
  it("states the limits exactly, whatever the number of isolates", () => {
    for (const holders of [1, 3, 50]) {
      expect(requestsOverLimit(holders)).toBe(0);
      expect(concurrencyOverLimit(holders)).toBe(0);
    }
  });

  it("lets credit go below zero by one largest reservation per lease: two per isolate holding credit", () => {
    expect(creditOverdraftMicroUsd(1, 245)).toBe(490);
    expect(creditOverdraftMicroUsd(3, 245)).toBe(1470);
    expect(creditOverdraftMicroUsd(0, 245)).toBe(0);
  });

  it("bounds changes by the key record's staleness, one replica read and the lag; the quiet return likewise", () => {
    expect(changeEffectiveWithinMs(2, 30)).toBe(KEY_RECORD_MAX_STALE_MS + 32);
    expect(quietReturnWithinMs(500, 40, 30)).toBe(570);
  });
});
