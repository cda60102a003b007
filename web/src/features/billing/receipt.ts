/**
 * A payment's receipt, built in the browser as a plain text file (nothing is fetched): our reference, the provider's
 * reference, what was bought, the amount and currency, the dates, the credit granted and the status. There is no
 * card or bank data to put in it (the API never has any, policy 1.3). Labels come translated from the page.
 */
import type { Payment } from "../../lib/api-types";

export interface ReceiptLabels {
  title: string;
  payment: string;
  date: string;
  completed: string;
  item: string;
  amount: string;
  refunded: string;
  credit: string;
  status: string;
  method: string;
  ourReference: string;
  providerReference: string;
  notYetKnown: string;
  note: string;
}

export interface ReceiptValues {
  /** What was bought, translated ("Credit pack: $10.00 of credit"). */
  item: string;
  /** The amount paid, formatted, and its ISO currency code ("$10.00 USD"). */
  amount: string;
  refunded: string | null;
  credit: string;
  status: string;
  provider: string;
  date: string;
  completed: string | null;
}

export function receiptText(payment: Payment, labels: ReceiptLabels, values: ReceiptValues): string {
  const lines: Array<[string, string]> = [
    [labels.payment, payment.id],
    [labels.date, values.date],
    ...(values.completed ? [[labels.completed, values.completed] as [string, string]] : []),
    [labels.item, values.item],
    [labels.amount, values.amount],
    ...(values.refunded ? [[labels.refunded, values.refunded] as [string, string]] : []),
    [labels.credit, values.credit],
    [labels.status, values.status],
    [labels.method, values.provider],
    [labels.ourReference, payment.merchantReference],
    [labels.providerReference, payment.providerReference ?? labels.notYetKnown],
  ];
  const width = Math.max(...lines.map(([label]) => label.length));
  return [
    `omnizen: ${labels.title}`,
    "",
    ...lines.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}`),
    "",
    labels.note,
    "",
  ].join("\n");
}

/** `omnizen-receipt-<our reference>.txt`, with anything unsafe in a file name replaced. */
export function receiptFilename(payment: Payment): string {
  return `omnizen-receipt-${payment.merchantReference.replace(/[^\w.-]+/g, "_")}.txt`;
}

export function receiptBlob(text: string): Blob {
  return new Blob([text], { type: "text/plain;charset=utf-8" });
}
