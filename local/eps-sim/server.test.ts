import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { epsHash } from "./eps-crypto.ts";
import { generateEpsCredentials, startEpsSimulator, type EpsSimulator } from "./server.ts";

let simulator: EpsSimulator;
const credentials = generateEpsCredentials();

beforeAll(async () => {
  simulator = await startEpsSimulator({ credentials });
});
afterAll(() => simulator.close());

async function token(): Promise<string> {
  const response = await fetch(`${simulator.url}/v1/Auth/GetToken`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hash": epsHash(credentials.userName, credentials.hashKey) },
    body: JSON.stringify({ userName: credentials.userName, password: credentials.password }),
  });
  const body = (await response.json()) as { token: string; expireDate: string };
  expect(Date.parse(body.expireDate)).toBeGreaterThan(Date.now());
  return body.token;
}

function initialize(bearer: string, fields: Record<string, unknown>, hashed = String(fields.merchantTransactionId)) {
  return fetch(`${simulator.url}/v1/EPSEngine/InitializeEPS`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-hash": epsHash(hashed, credentials.hashKey),
      authorization: `Bearer ${bearer}`,
    },
    body: JSON.stringify(fields),
  });
}

const order = (merchantTransactionId: string) => ({
  merchantId: credentials.merchantId,
  storeId: credentials.storeId,
  CustomerOrderId: "order-1",
  merchantTransactionId,
  transactionTypeId: 1,
  deviceTypeId: 4,
  totalAmount: 100.5,
  successUrl: "http://shop.test/ok",
  failUrl: "http://shop.test/fail",
  cancelUrl: "http://shop.test/cancel",
  customerName: "A Customer",
  customerEmail: "a@example.com",
  productName: "credit",
});

describe("EPS simulator", () => {
  it("refuses GetToken with a wrong x-hash or password", async () => {
    const wrongHash = await fetch(`${simulator.url}/v1/Auth/GetToken`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hash": epsHash("someone-else", credentials.hashKey) },
      body: JSON.stringify({ userName: credentials.userName, password: credentials.password }),
    });
    expect(wrongHash.status).toBe(401);
  });

  it("initialises an order once per merchantTransactionId, checking hash, token, ids and amount", async () => {
    const bearer = await token();
    const accepted = await initialize(bearer, order("TXN-0000000001"));
    expect(accepted.status).toBe(200);
    const body = (await accepted.json()) as { TransactionId: string; RedirectURL: string };
    expect(body.RedirectURL).toBe(`${simulator.url}/pay/${body.TransactionId}`);
    const refusals: Array<[Record<string, unknown>, string | undefined, string]> = [
      [order("TXN-0000000001"), undefined, "Duplicate"],
      [order("TXN-0000000002"), "TXN-other", "x-hash"],
      [{ ...order("TXN-0000000003"), merchantId: crypto.randomUUID() }, undefined, "merchantId"],
      [{ ...order("TXN-0000000004"), totalAmount: 10.005 }, undefined, "totalAmount"],
      [{ ...order("TXN-0000000005"), successUrl: "/relative" }, undefined, "successUrl"],
      [order("TXN-1"), undefined, "at least 10"],
    ];
    for (const [fields, hashed, message] of refusals) {
      const response = await initialize(bearer, fields, hashed);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { ErrorMessage: string }).ErrorMessage).toContain(message);
    }
    await fetch(`${simulator.url}/_sim/tokens/expire`, { method: "POST" });
    expect((await initialize(bearer, order("TXN-0000000006"))).status).toBe(401);
  });
});
