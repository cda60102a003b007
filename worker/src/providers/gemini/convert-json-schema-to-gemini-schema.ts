/**
 * JSON Schema (as OpenAI tools and `response_format` carry it) -> the OpenAPI-subset `Schema` Gemini accepts in
 * `functionDeclarations[].parameters` and `generationConfig.responseSchema`.
 * https://ai.google.dev/api/caching#Schema
 *
 * | JSON Schema | Gemini Schema |
 * |---|---|
 * | `type`, `title`, `description`, `nullable`, `required`, `minItems`, `maxItems`, `minLength`, `maxLength`,
 * `pattern`, `minimum`, `maximum`, `minProperties`, `maxProperties`, `default`, `example`, `propertyOrdering` | kept |
 * | `properties`, `items`, `anyOf` | kept, converted recursively (empty `properties` dropped) |
 * | `format` | kept only for `date-time`, `enum`, `int32`, `int64`, `float`, `double` (Gemini refuses others) |
 * | `enum` | kept when every value is a string (Gemini enums are strings), else dropped |
 * | `const: "x"` | `enum: ["x"]`; a non-string `const` is dropped; an enum without a type gets `type: "string"` |
 * | `type: [T, "null"]` | `type: T, nullable: true`; several non-null types become `anyOf` |
 * | `oneOf` | `anyOf`; a `{type: "null"}` member becomes `nullable: true` |
 * | `allOf` with one member | that member, inlined |
 * | `$ref` to `#/$defs/...` or `#/definitions/...` | the definition, inlined |
 * | recursive or external `$ref`, `allOf` with several members, `false` | refused (400 with `param`) |
 * | everything else: `$schema`, `$id`, `$defs`, `definitions`, `additionalProperties`, `strict`, `examples`,
 * `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`, `uniqueItems`, `patternProperties`, `not`, `if`/`then`/`else`,
 * `$comment`, ... | dropped |
 */
import { GatewayError } from "../../errors.ts";
import { isJsonObject, type JsonObject } from "./gemini-api-types.ts";

const KEPT_KEYWORDS = [
  "title",
  "description",
  "nullable",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "minProperties",
  "maxProperties",
  "default",
  "example",
  "propertyOrdering",
] as const;
const KEPT_FORMATS = new Set(["date-time", "enum", "int32", "int64", "float", "double"]);
const MAX_DEPTH = 32;

interface Walk {
  root: JsonObject;
  param: string;
  /** `$ref`s being inlined on the current path, to refuse recursion. */
  refs: string[];
  depth: number;
}

const refuse = (param: string, message: string): GatewayError =>
  new GatewayError("invalid_request", message, { param });

function resolveRef(ref: string, walk: Walk): unknown {
  const match = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
  const definitions = match?.[1] ? walk.root[match[1]] : undefined;
  const name = match?.[2] ? decodeURIComponent(match[2].replaceAll("~1", "/").replaceAll("~0", "~")) : "";
  if (!isJsonObject(definitions) || !(name in definitions)) {
    throw refuse(walk.param, "Only local $ref to #/$defs/... or #/definitions/... is supported for Gemini models.");
  }
  if (walk.refs.includes(ref))
    throw refuse(walk.param, "Recursive schemas ($ref cycles) are not supported for Gemini models.");
  return definitions[name];
}

/** Folds `{type: "null"}` members of a union into `nullable`; a single remaining member is inlined. */
function convertUnion(members: unknown[], walk: Walk): JsonObject {
  const nonNull = members.filter((member) => !(isJsonObject(member) && member.type === "null"));
  const nullable = nonNull.length < members.length ? { nullable: true } : {};
  const [single] = nonNull;
  if (nonNull.length === 1) return { ...convertNode(single, walk), ...nullable };
  return { anyOf: nonNull.map((member) => convertNode(member, walk)), ...nullable };
}

function convertType(type: unknown): JsonObject {
  if (typeof type === "string") return type === "null" ? { nullable: true } : { type };
  if (!Array.isArray(type)) return {};
  const names = type.filter((name): name is string => typeof name === "string" && name !== "null");
  const nullable = names.length < type.length ? { nullable: true } : {};
  if (names.length === 1) return { type: names[0], ...nullable };
  return names.length === 0 ? nullable : { anyOf: names.map((name) => ({ type: name })), ...nullable };
}

function convertNode(node: unknown, walk: Walk): JsonObject {
  if (node === true || node === undefined) return {};
  if (!isJsonObject(node))
    throw refuse(walk.param, "A schema must be an object (a `false` schema is not supported for Gemini).");
  if (walk.depth > MAX_DEPTH)
    throw refuse(walk.param, `Schemas nested deeper than ${MAX_DEPTH} levels are not supported for Gemini.`);
  const inner: Walk = { ...walk, depth: walk.depth + 1 };
  if (typeof node.$ref === "string") {
    const resolved = resolveRef(node.$ref, walk);
    const { $ref: _ref, ...siblings } = node;
    return { ...convertNode(resolved, { ...inner, refs: [...walk.refs, node.$ref] }), ...convertNode(siblings, inner) };
  }
  if (Array.isArray(node.allOf)) {
    if (node.allOf.length !== 1)
      throw refuse(walk.param, "allOf with several schemas is not supported for Gemini; merge them.");
    const { allOf: _allOf, ...siblings } = node;
    return { ...convertNode(node.allOf[0], inner), ...convertNode(siblings, inner) };
  }

  const schema: JsonObject = { ...convertType(node.type) };
  for (const keyword of KEPT_KEYWORDS) {
    if (node[keyword] !== undefined) schema[keyword] = node[keyword];
  }
  if (typeof node.format === "string" && KEPT_FORMATS.has(node.format)) schema.format = node.format;
  if (Array.isArray(node.enum) && node.enum.every((value) => typeof value === "string")) schema.enum = node.enum;
  else if (typeof node.const === "string") schema.enum = [node.const];
  if (schema.enum !== undefined && schema.type === undefined) schema.type = "string";
  const required = Array.isArray(node.required) ? node.required.filter((name) => typeof name === "string") : [];
  if (required.length > 0) schema.required = required;
  if (isJsonObject(node.properties) && Object.keys(node.properties).length > 0) {
    schema.properties = Object.fromEntries(
      Object.entries(node.properties).map(([name, property]) => [name, convertNode(property, inner)]),
    );
  }
  if (isJsonObject(node.items)) schema.items = convertNode(node.items, inner);
  const union = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
  if (union) Object.assign(schema, convertUnion(union, inner));
  return schema;
}

/**
 * Converts a JSON Schema to Gemini's Schema per the table above. `param` names the field in refusals. Returns
 * undefined for a schema that constrains nothing (e.g. an object without properties), which Gemini would refuse
 * as an OBJECT with empty properties.
 */
export function convertJsonSchemaToGeminiSchema(schema: unknown, param: string): JsonObject | undefined {
  const root = isJsonObject(schema) ? schema : {};
  const converted = convertNode(schema, { root, param, refs: [], depth: 0 });
  const constrains = Object.keys(converted).some((key) => key !== "type" && key !== "description" && key !== "title");
  return constrains || (converted.type !== undefined && converted.type !== "object") ? converted : undefined;
}
