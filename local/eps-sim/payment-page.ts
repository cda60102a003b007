/** The simulator's hosted payment page (`RedirectURL`): bKash, Nagad or card, each with pay, fail and cancel. */
import { FINANCIAL_ENTITIES, type Order } from "./orders.ts";

const escape = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

export function paymentPage(order: Order): string {
  const methods = Object.entries(FINANCIAL_ENTITIES)
    .map(
      ([method, label]) => `
  <form method="post" action="/pay/${escape(order.epsTransactionId)}" data-method="${method}">
    <input type="hidden" name="method" value="${method}">
    <h2>${escape(label)}</h2>
    <button name="outcome" value="pay" data-testid="eps-${method}-pay">Pay with ${escape(label)}</button>
    <button name="outcome" value="fail" data-testid="eps-${method}-fail">Fail</button>
    <button name="outcome" value="cancel" data-testid="eps-${method}-cancel">Cancel</button>
  </form>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>EPS simulator: pay ${escape(order.totalAmount)} BDT</title></head>
<body>
  <h1>EPS payment (simulator)</h1>
  <p>Order <code>${escape(order.merchantTransactionId)}</code>: <strong data-testid="eps-amount">${escape(order.totalAmount)} BDT</strong></p>
  <p>Status: <span data-testid="eps-status">${escape(order.status)}</span></p>${order.status === "Initiated" ? methods : ""}
</body></html>`;
}
