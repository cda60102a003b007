/**
 * fast-check arbitraries for fuzzing the public endpoints: request bodies (malformed JSON, wrong types, huge and deep
 * values, odd encodings) and request headers (content type and length, content encoding, odd credentials).
 */
import fc from "fast-check";

const encoder = new TextEncoder();

/** A body that is valid for the surface, to be mutated. */
export function validBody(
  kind: "chat" | "messages" | "count" | "embeddings" | "profile" | "key" | "webhook",
): Record<string, unknown> {
  switch (kind) {
    case "chat":
      return { model: "deepseek/deepseek-flash", messages: [{ role: "user", content: "hi" }], max_tokens: 8 };
    case "embeddings":
      return { model: "openai/text-embedding-3-small", input: ["hi", "there"], dimensions: 8 };
    case "messages":
    case "count":
      return { model: "anthropic/claude-haiku-5-5", max_tokens: 8, messages: [{ role: "user", content: "hi" }] };
    case "profile":
      return { name: "Fuzz" };
    case "key":
      return { name: "fuzz" };
    case "webhook":
      return {
        type: "user.updated",
        data: {
          id: `user_fuzz_${crypto.randomUUID().replaceAll("-", "")}`,
          first_name: "F",
          email_addresses: [],
          phone_numbers: [],
          updated_at: Date.now(),
        },
      };
  }
}

/** Odd JSON values: deep, huge, extreme numbers, control characters, lone surrogates. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.integer({ min: 1, max: 3000 }).map((depth) => ({ __raw: "[".repeat(depth) + "]".repeat(depth) })),
  fc.integer({ min: 1, max: 600 }).map((depth) => ({ __raw: '{"a":'.repeat(depth) + "1" + "}".repeat(depth) })),
  fc.constantFrom(1e308, -1e308, 5e-324, 2 ** 53 + 1, -0, 1e21, Number("123456789012345678901234567890")),
  fc.constantFrom(0, 1, 10_000, 200_000, 3_000_000).map((length) => "x".repeat(length)),
  fc.integer({ min: 0, max: 150_000 }).map((length) => Array.from({ length }, () => 0)),
  fc.constantFrom("\u0000", "\ud800", "\udfff", "\ufeff", "\u2028", "a\u0000b", "\\", '"'),
  fc.string({ unit: "binary", maxLength: 40 }),
);

/** JSON text of a value, with `{__raw}` placeholders spliced in verbatim (deep nesting built as text). */
function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text =
    JSON.stringify(value, (_key, inner: unknown) => {
      if (typeof inner === "object" && inner !== null && "__raw" in inner) {
        raws.push(String((inner as { __raw: string }).__raw));
        return `__RAW_${raws.length - 1}__`;
      }
      return inner;
    }) ?? "null";
  return text.replace(/"__RAW_(\d+)__"/g, (_match, index: string) => raws[Number(index)] ?? "null");
}

const fieldNames = [
  "model",
  "messages",
  "max_tokens",
  "stream",
  "stream_options",
  "tools",
  "tool_choice",
  "system",
  "temperature",
  "metadata",
  "stop",
  "n",
  "thinking",
  "content",
  "role",
  "name",
  "limits",
  "allowedJurisdictions",
  "email",
  "phone",
  "confirm",
  "type",
  "data",
  "__proto__",
  "constructor",
  "",
];

/** A mutation of a valid body: a field (top level or in the first message) set to an odd value, or removed. */
function mutatedBody(base: Record<string, unknown>): fc.Arbitrary<string> {
  return fc
    .record({
      where: fc.constantFrom("top", "message", "content-block"),
      field: fc.oneof(fc.constantFrom(...fieldNames), fc.string({ maxLength: 8 })),
      value: fc.option(oddValue, { nil: undefined }),
    })
    .map(({ where, field, value }) => {
      const body = structuredClone(base);
      const messages = body.messages as Array<Record<string, unknown>> | undefined;
      const target =
        where === "top" || !messages?.[0]
          ? body
          : where === "message"
            ? messages[0]
            : ((messages[0].content = [{ type: "text", text: "hi" }]),
              (messages[0].content as Array<Record<string, unknown>>)[0]!);
      if (value === undefined) delete target[field];
      else Object.defineProperty(target, field, { value, enumerable: true, configurable: true, writable: true });
      return toJsonText(body);
    });
}

/** Body text: mutated valid bodies, random JSON of any type, and malformed text. */
export function bodyText(base: Record<string, unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: mutatedBody(base) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 5 }).map((value) => JSON.stringify(value) ?? "null") },
    { weight: 2, arbitrary: oddValue.map(toJsonText) },
    {
      weight: 2,
      arbitrary: fc.tuple(mutatedBody(base), fc.nat()).map(([text, cut]) => text.slice(0, cut % (text.length + 1))),
    },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "",
        " ",
        "null",
        "[]",
        "{}",
        "{",
        "}",
        '{"a":1,}',
        "{'a':1}",
        "NaN",
        "1e999999",
        "\u0000",
      ),
    },
  );
}

/** Encodes body text into bytes: UTF-8, with a BOM, UTF-16, with invalid UTF-8 or NUL bytes spliced in. */
export function encodedBody(text: fc.Arbitrary<string>): fc.Arbitrary<Uint8Array> {
  const encodings = fc.oneof(
    { weight: 8, arbitrary: fc.constant("utf8") },
    { weight: 4, arbitrary: fc.constantFrom("bom", "utf16le", "utf16be", "invalid-utf8", "nul", "random-bytes") },
  );
  return fc
    .tuple(text, encodings, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }))
    .map(([body, encoding, position, bytes]) => {
      const utf8 = encoder.encode(body);
      const at = position % (utf8.length + 1);
      switch (encoding) {
        case "utf8":
          return utf8;
        case "bom":
          return concat(new Uint8Array([0xef, 0xbb, 0xbf]), utf8);
        case "utf16le":
        case "utf16be": {
          const out = new Uint8Array(body.length * 2 + 2);
          out.set(encoding === "utf16le" ? [0xff, 0xfe] : [0xfe, 0xff]);
          for (let index = 0; index < body.length; index++) {
            const unit = body.charCodeAt(index);
            const [first, second] = encoding === "utf16le" ? [unit & 0xff, unit >> 8] : [unit >> 8, unit & 0xff];
            out[2 + index * 2] = first;
            out[3 + index * 2] = second;
          }
          return out;
        }
        case "invalid-utf8":
          return concat(utf8.slice(0, at), new Uint8Array([0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80]), utf8.slice(at));
        case "nul":
          return concat(utf8.slice(0, at), new Uint8Array([0]), utf8.slice(at));
        default:
          return concat(utf8.slice(0, at), bytes, utf8.slice(at));
      }
    });
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Content headers: type, encoding and a declared length that may not match the body. */
export const contentHeaders: fc.Arbitrary<{
  headers: Record<string, string>;
  length: "exact" | "shorter" | "longer" | "none" | "garbage";
}> = fc.record({
  headers: fc.record(
    {
      "content-type": fc.constantFrom(
        "application/json",
        "application/json; charset=utf-16",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        "*/*",
        "application/json; charset=latin1",
      ),
      "content-encoding": fc.constantFrom("gzip", "br", "deflate", "identity", "x-garbage", "gzip, gzip"),
      "transfer-encoding": fc.constantFrom("chunked", "gzip"),
      accept: fc.constantFrom("text/event-stream", "*/*", "application/json", ""),
      "anthropic-version": fc.constantFrom("2023-06-01", "garbage", ""),
      "anthropic-beta": fc.constantFrom("prompt-caching-2024-07-31", "x".repeat(2000), ",,,", ""),
      "cache-control": fc.constantFrom("no-store", "no-cache", "max-age=abc"),
      "x-omnizen-cache": fc.constantFrom("bypass", "BYPASS", "garbage"),
      // Random addresses: a fixed one would soon be throttled for failed authentications and answer only 429s.
      "cf-connecting-ip": fc.oneof(fc.ipV4(), fc.ipV6(), fc.constant("not-an-ip")),
    },
    { requiredKeys: [] },
  ),
  length: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("exact" as const, "none" as const) },
    { weight: 2, arbitrary: fc.constantFrom("shorter" as const, "longer" as const, "garbage" as const) },
  ),
});

/** Credentials: none, odd forms of a given key, or whatever the caller passes in. */
export function credentialHeaders(
  goodCredential: string,
  scheme: "bearer" | "either",
): fc.Arbitrary<Record<string, string>> {
  const unknownKey = `sk-omni-${"Z".repeat(40)}`;
  const weighted = (weight: number, arbitrary: fc.Arbitrary<Record<string, string>>) => ({ weight, arbitrary });
  return fc.oneof(
    weighted(8, fc.constant({ authorization: `Bearer ${goodCredential}` })),
    weighted(
      1,
      fc.constant<Record<string, string>>(
        scheme === "either" ? { "x-api-key": goodCredential } : { authorization: `bearer   ${goodCredential}  ` },
      ),
    ),
    weighted(2, fc.constant({ authorization: `Bearer ${unknownKey}` })),
    weighted(1, fc.constant({})),
    weighted(
      2,
      fc.constantFrom<Record<string, string>>(
        { authorization: "Bearer" },
        { authorization: "Bearer " },
        { authorization: `Basic ${btoa("a:b")}` },
        { authorization: `Bearer ${goodCredential} extra` },
        { authorization: `Bearer ${goodCredential.slice(0, -1)}` },
        { authorization: `Bearer ${"A".repeat(8000)}` },
        { authorization: "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0." },
        { authorization: `Bearer ${unknownKey}`, "x-api-key": goodCredential },
        { "x-api-key": " " },
        { "x-api-key": "sk-omni-%C3%A9%C3%A9" },
      ),
    ),
  );
}
