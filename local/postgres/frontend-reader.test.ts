import { describe, expect, it } from "vitest";
import { queryMessage, startupMessage, terminateMessage } from "../neon-bridge/test-support.ts";
import { FrontendReader, type FrontendEvent } from "./frontend-reader.ts";

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0);
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

describe("FrontendReader", () => {
  it("yields whole units however the stream is chunked", () => {
    const parse = message("P", Buffer.from("\0select $1\0\0\0"));
    const bind = message("B", Buffer.alloc(100_000, 1));
    const sync = message("S", Buffer.alloc(0));
    const stream = Buffer.concat([
      startupMessage("postgres", "x"),
      parse,
      bind,
      sync,
      queryMessage("select 1"),
      terminateMessage,
    ]);
    for (const size of [1, 7, 4096, stream.length]) {
      const reader = new FrontendReader();
      const events: FrontendEvent[] = [];
      for (let offset = 0; offset < stream.length; offset += size)
        events.push(...reader.push(stream.subarray(offset, offset + size)));
      expect(events.map((event) => event.kind)).toEqual(["startup", "unit", "unit", "terminate"]);
      expect(events[1]).toMatchObject({ boundary: "S", bytes: Buffer.concat([parse, bind, sync]) });
      expect(events[2]).toMatchObject({ boundary: "Q", bytes: queryMessage("select 1") });
    }
  });

  it("answers encryption requests before the startup", () => {
    const reader = new FrontendReader();
    const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
    expect(
      reader.push(Buffer.concat([sslRequest, startupMessage("postgres", "x")])).map((event) => event.kind),
    ).toEqual(["encryption-request", "startup"]);
  });
});
