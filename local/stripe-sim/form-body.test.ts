import { describe, expect, it } from "vitest";
import { decodeFormBody } from "./form-body.ts";

describe("decodeFormBody", () => {
  it("builds nested objects and arrays from stripe-node's bracketed keys", () => {
    const body = new URLSearchParams([
      ["mode", "payment"],
      ["line_items[0][quantity]", "1"],
      ["line_items[0][price_data][unit_amount]", "500"],
      ["line_items[0][price_data][product_data][name]", "5 USD & more"],
      ["line_items[1][quantity]", "2"],
      ["metadata[user_id]", "u-1"],
      ["expand[]", "payment_intent"],
      ["expand[]", "subscription"],
    ]).toString();
    expect(decodeFormBody(body)).toEqual({
      mode: "payment",
      line_items: [
        { quantity: "1", price_data: { unit_amount: "500", product_data: { name: "5 USD & more" } } },
        { quantity: "2" },
      ],
      metadata: { user_id: "u-1" },
      expand: ["payment_intent", "subscription"],
    });
  });

  it("reads an empty body as an empty object", () => {
    expect(decodeFormBody("")).toEqual({});
  });
});
