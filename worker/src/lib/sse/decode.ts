import { EventSourceParserStream, type EventSourceMessage } from "eventsource-parser/stream";

/** Upstream body bytes -> SSE events. UTF-8 split across chunk boundaries is reassembled by TextDecoderStream. */
export function decodeServerSentEvents(body: ReadableStream<Uint8Array>): ReadableStream<EventSourceMessage> {
  return body
    .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .pipeThrough(new EventSourceParserStream({ maxBufferSize: 8 * 1024 * 1024 }));
}
