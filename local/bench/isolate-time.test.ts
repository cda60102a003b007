import { describe, expect, it } from "vitest";
import { isolateTimesByWorker } from "./isolate-time.ts";

describe("isolateTimesByWorker", () => {
  it("sums end - locked over each context's turns, per worker, in trace order", () => {
    const lines = [
      '{"e":"header","v":1,"producer":"workerd"}',
      '{"e":"ctx","ctx":1,"iso":1,"worker":"gateway","at":10}',
      '{"e":"init","ctx":1,"id":1,"kind":"request","name":"fetch","at":20}',
      '{"e":"turn","ctx":1,"cause":1,"start":100,"locked":150,"end":1150}',
      '{"e":"ctx","ctx":2,"iso":2,"worker":"io-floor","at":30}',
      '{"e":"turn","ctx":2,"cause":1,"start":0,"locked":0,"end":500000}',
      '{"e":"turn","ctx":1,"cause":3,"start":2000,"locked":2000,"end":2002000}',
      '{"e":"ctx","ctx":3,"iso":1,"worker":"gateway","at":40}',
      '{"e":"turn","ctx":3,"cause":1,"start":0,"locked":10,"end":20',
    ];
    const times = isolateTimesByWorker(lines);
    expect(times.get("gateway")).toEqual([0.001 + 2, 0]);
    expect(times.get("io-floor")).toEqual([0.5]);
  });
});
