import { createDecipheriv } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { epsHash, ipnKeyBytes } from "./eps-crypto.ts";
import { generateEpsCredentials, startEpsSimulator, type EpsSimulator } from "./server.ts";

let simulator: EpsSimulator;
const credentials = generateEpsCredentials();
/** The merchant's IPN receiver: what the simulator POSTed. */
const received: string[] = [];
const receiver = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
  request.on("end", () => {
    received.push(body);
    response.writeHead(200, { "content-type": "application/json" }).end('{"status":"OK"}');
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const ipnUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/eps`;
  simulator = await startEpsSimulator({ credentials, ipnUrl });
});
afterAll(async () => {
  await simulator.close();
  await new Promise((resolve) => receiver.close(resolve));
});

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

  it("sends the browser back with EPS's query and POSTs the encrypted IPN to the merchant", async () => {
    const initialized = await initialize(await token(), order("TXN-0000000010"));
    const { RedirectURL } = (await initialized.json()) as { RedirectURL: string };
    const page = await (await fetch(RedirectURL)).text();
    expect(page).toContain("100.50 BDT");
    const paid = await fetch(RedirectURL, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "method=nagad&outcome=pay",
      redirect: "manual",
    });
    expect(paid.status).toBe(303);
    const back = new URL(paid.headers.get("location") ?? "");
    expect(back.pathname).toBe("/ok");
    expect(back.searchParams.get("Status")).toBe("Success");
    expect(back.searchParams.get("MerchantTransactionId")).toBe("TXN-0000000010");

    await expect.poll(() => received.length).toBe(1);
    const { Data } = JSON.parse(received[0] ?? "") as { Data: string };
    const [iv, ciphertext] = Data.split(":").map((part) => Buffer.from(part, "base64"));
    const decipher = createDecipheriv("aes-256-cbc", ipnKeyBytes(credentials.ipnSecret), iv ?? Buffer.alloc(0));
    const plain = Buffer.concat([decipher.update(ciphertext ?? Buffer.alloc(0)), decipher.final()]).toString("utf8");
    expect(JSON.parse(plain)).toMatchObject({
      merchant_transaction_id: "TXN-0000000010",
      status: "SUCCESS",
      amount: "100.50",
      payment_method: "Nagad",
    });
    // Paying twice is refused.
    const again = await fetch(RedirectURL, { method: "POST", body: "method=card&outcome=pay", redirect: "manual" });
    expect(again.status).toBe(409);
  });
});
