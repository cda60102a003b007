/**
 * Test helper: a byte stream of `text` cut at the given byte offsets, so cuts can fall inside multi-byte
 * characters and inside SSE lines (openai-node tests/streaming.test.ts does the same).
 */
export function bodySplitAt(text: string, cuts: number[]): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const points = [0, ...cuts.filter((cut) => cut > 0 && cut < bytes.length).sort((a, b) => a - b), bytes.length];
  return new ReadableStream({
    start(controller) {
      for (let index = 0; index < points.length - 1; index += 1)
        controller.enqueue(bytes.slice(points[index], points[index + 1]));
      controller.close();
    },
  });
}
