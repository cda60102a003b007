import { describe, expect, it } from "vitest";
import { TerminateDetector } from "./terminate-detector.ts";
import { queryMessage, startupMessage, terminateMessage } from "./test-support.ts";

describe("TerminateDetector", () => {
  it("finds Terminate after a startup and queries, however the stream is split", () => {
    const stream = Buffer.concat([startupMessage("postgres", "test"), queryMessage("select 'X'"), terminateMessage]);
    for (const size of [1, 3, 7, stream.length]) {
      const detector = new TerminateDetector();
      let found = -1;
      for (let offset = 0; offset < stream.length && found < 0; offset += size) {
        const result = detector.observe(stream.subarray(offset, offset + size));
        if (result >= 0) found = offset + result;
      }
      expect(found).toBe(stream.length);
    }
  });

  it("does not mistake an 'X' inside a message body for Terminate", () => {
    const detector = new TerminateDetector();
    const body = Buffer.concat([startupMessage("postgres", "test"), queryMessage("X\0\0\0\u0004")]);
    expect(detector.observe(body)).toBe(-1);
  });

  it("stops looking once the stream asks for encryption", () => {
    const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
    const detector = new TerminateDetector();
    expect(detector.observe(Buffer.concat([sslRequest, terminateMessage]))).toBe(-1);
  });
});
