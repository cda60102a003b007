import { describe, expect, it } from "vitest";
import { createSseEventSplitter, encodeEventMessage } from "./split-events.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Splits `text` fed in pieces cut at `cuts` (byte offsets); returns the pieces as text. */
function split(text: string, cuts: number[]): string[] {
  const bytes = encoder.encode(text);
  const points = [0, ...cuts.filter((cut) => cut > 0 && cut < bytes.length), bytes.length];
  const splitter = createSseEventSplitter();
  const pieces: Uint8Array[] = [];
  for (let index = 0; index < points.length - 1; index += 1) {
    pieces.push(...splitter.push(bytes.slice(points[index], points[index + 1])));
  }
  pieces.push(...splitter.flush());
  return pieces.map((piece) => decoder.decode(piece));
}

describe("createSseEventSplitter", () => {
  const events = [
    'event: a\ndata: {"x":"é🙂"}\n\n',
    ": keep-alive\n\n",
    "data: line one\ndata: line two\r\n\r\n",
    "event: b\rdata: 1\r\r",
    "data: [DONE]\n\n",
  ];
  const stream = events.join("");

  it("cuts exactly at each event's end, wherever the reads end, keeping every byte", () => {
    const length = encoder.encode(stream).length;
    for (let cut = 0; cut <= length; cut += 1) {
      expect(split(stream, [cut, cut + 5])).toEqual(events);
    }
    expect(
      split(
        stream,
        Array.from({ length }, (_, index) => index),
      ),
    ).toEqual(events);
  });

  it("cuts the same way a stream without CRs (the indexOf path), at every read boundary", () => {
    const plain = [
      'data: {"a":"é🙂"}\n\n',
      ": keep-alive\n\n",
      "event: e\ndata: 1\ndata: 2\n\n",
      "\n",
      "data: [DONE]\n\n",
    ];
    const text = plain.join("");
    const length = encoder.encode(text).length;
    for (let cut = 0; cut <= length; cut += 1) expect(split(text, [cut, cut + 1, cut + 7])).toEqual(plain);
  });

  it("holds an unterminated event until the end", () => {
    const splitter = createSseEventSplitter();
    expect(splitter.push(encoder.encode("data: 1\n\ndata: 2\n"))).toEqual([encoder.encode("data: 1\n\n")]);
    expect(splitter.push(encoder.encode("data: 3"))).toEqual([]);
    expect(splitter.flush().map((piece) => decoder.decode(piece))).toEqual(["data: 2\ndata: 3"]);
  });

  it("encodes a replacement event with the received id and event name", () => {
    expect(decoder.decode(encodeEventMessage({ id: "7", event: "message_delta" }, '{"a":1}'))).toBe(
      'id: 7\nevent: message_delta\ndata: {"a":1}\n\n',
    );
    expect(decoder.decode(encodeEventMessage({}, "{}"))).toBe("data: {}\n\n");
  });
});
