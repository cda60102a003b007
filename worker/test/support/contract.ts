/**
 * Ties an integration test's answer to its contract (worker/src/contracts/): the body must parse with the schema
 * the SPA takes its types from, and the parse must keep every field. zod drops the fields a schema does not name,
 * so a field the handler sends but the contract lacks fails here as surely as a missing or mistyped one.
 */
import { expect } from "vitest";
import type { z } from "zod";

export function expectContract<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  const result = schema.safeParse(body);
  expect(result.error?.issues ?? [], "the answer does not parse with its contract").toEqual([]);
  expect(result.data, "the answer has fields its contract does not name").toStrictEqual(body);
  return result.data as z.infer<Schema>;
}
