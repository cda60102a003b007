import { describe, expect, it } from "vitest";
import { GatewayError } from "../../errors.ts";
import { convertJsonSchemaToGeminiSchema } from "./convert-json-schema-to-gemini-schema.ts";

const convert = (schema: unknown) => convertJsonSchemaToGeminiSchema(schema, "tools[0].function.parameters");

describe("convertJsonSchemaToGeminiSchema", () => {
  it("keeps what Gemini's Schema supports and drops the JSON Schema keywords it rejects", () => {
    expect(
      convert({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $id: "x",
        type: "object",
        title: "Query",
        description: "A query",
        additionalProperties: false,
        properties: {
          text: { type: "string", minLength: 1, maxLength: 10, pattern: "^a", format: "email", examples: ["a"] },
          when: { type: "string", format: "date-time" },
          count: { type: "integer", minimum: 0, maximum: 9, exclusiveMaximum: 10, multipleOf: 1, format: "int32" },
          tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3, uniqueItems: true },
        },
        required: ["text"],
        strict: true,
      }),
    ).toEqual({
      type: "object",
      title: "Query",
      description: "A query",
      properties: {
        text: { type: "string", minLength: 1, maxLength: 10, pattern: "^a" },
        when: { type: "string", format: "date-time" },
        count: { type: "integer", minimum: 0, maximum: 9, format: "int32" },
        tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 },
      },
      required: ["text"],
    });
  });

  it("turns nullable type arrays, oneOf, const and string enums into Gemini's forms", () => {
    expect(
      convert({
        type: "object",
        properties: {
          unit: { type: ["string", "null"], enum: ["c", "f"] },
          mode: { const: "fast" },
          level: { enum: [1, 2, 3], type: "integer" },
          either: { oneOf: [{ type: "string" }, { type: "number" }] },
          maybe: { anyOf: [{ type: "string" }, { type: "null" }] },
          several: { type: ["string", "number"] },
        },
      }),
    ).toEqual({
      type: "object",
      properties: {
        unit: { type: "string", nullable: true, enum: ["c", "f"] },
        mode: { type: "string", enum: ["fast"] },
        level: { type: "integer" },
        either: { anyOf: [{ type: "string" }, { type: "number" }] },
        maybe: { type: "string", nullable: true },
        several: { anyOf: [{ type: "string" }, { type: "number" }] },
      },
    });
  });

  it("inlines local $ref and single-member allOf (as pydantic writes them)", () => {
    expect(
      convert({
        type: "object",
        $defs: { City: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } },
        properties: {
          home: { $ref: "#/$defs/City", description: "Where you live" },
          work: { allOf: [{ $ref: "#/$defs/City" }], description: "Where you work" },
        },
      }),
    ).toEqual({
      type: "object",
      properties: {
        home: {
          type: "object",
          properties: { name: { type: "string" } },
          required: ["name"],
          description: "Where you live",
        },
        work: {
          type: "object",
          properties: { name: { type: "string" } },
          required: ["name"],
          description: "Where you work",
        },
      },
    });
  });

  it("returns undefined for schemas that constrain nothing", () => {
    expect(convert(undefined)).toBeUndefined();
    expect(convert({ type: "object" })).toBeUndefined();
    expect(convert({ type: "object", properties: {}, additionalProperties: false })).toBeUndefined();
  });

  it.each([
    [
      "a recursive $ref",
      {
        type: "object",
        $defs: { Node: { type: "object", properties: { next: { $ref: "#/$defs/Node" } } } },
        properties: { root: { $ref: "#/$defs/Node" } },
      },
    ],
    ["an external $ref", { type: "object", properties: { a: { $ref: "https://example.com/schema.json" } } }],
    ["allOf with several members", { allOf: [{ type: "object" }, { type: "object" }] }],
    ["a false schema", { type: "object", properties: { a: false } }],
  ])("refuses %s with the caller's param", (_name, schema) => {
    let error: unknown;
    try {
      convert(schema);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).param).toBe("tools[0].function.parameters");
  });
});
