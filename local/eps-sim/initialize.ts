/**
 * InitializeEPS's checks: the fields the official samples send (PHP, Laravel, WHMCS, .NET; the .NET model marks
 * StoreId, MerchantTransactionId, TransactionTypeId, TotalAmount, SuccessUrl, FailUrl, CancelUrl and DeviceTypeId
 * required), the merchant's own ids, the x-hash of merchantTransactionId, and one order per merchantTransactionId.
 */
import type { EpsCredentials } from "./server.ts";
import type { Order, OrderBook } from "./orders.ts";

type Result = { ok: true; order: Order } | { ok: false; message: string };

const text = (value: unknown): string => (typeof value === "string" ? value.trim() : "");

/** A positive BDT amount with at most two decimals (a JSON number or a string), as "600.00". */
export function decimalAmount(value: unknown): string | null {
  const raw = typeof value === "number" ? String(value) : text(value);
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(raw);
  if (!match || Number(raw) <= 0) return null;
  return `${Number(match[1])}.${(match[2] ?? "").padEnd(2, "0")}`;
}

function isAbsoluteUrl(value: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export function initializeOrder(
  input: unknown,
  credentials: EpsCredentials,
  orders: OrderBook,
  hashValid: (merchantTransactionId: string) => boolean,
): Result {
  if (typeof input !== "object" || input === null) return { ok: false, message: "The body must be a JSON object" };
  const fields = input as Record<string, unknown>;
  const merchantTransactionId = text(fields.merchantTransactionId);
  if (!hashValid(merchantTransactionId)) return { ok: false, message: "Invalid x-hash" };
  if (text(fields.merchantId) !== credentials.merchantId) return { ok: false, message: "Unknown merchantId" };
  if (text(fields.storeId) !== credentials.storeId) return { ok: false, message: "Unknown storeId" };
  if (merchantTransactionId.length < 10)
    return { ok: false, message: "merchantTransactionId must be at least 10 characters" };
  if (orders.has(merchantTransactionId)) return { ok: false, message: "Duplicate merchantTransactionId" };
  if (![1, 2, 3].includes(Number(fields.transactionTypeId))) return { ok: false, message: "Invalid transactionTypeId" };
  if (fields.deviceTypeId === undefined || fields.deviceTypeId === null)
    return { ok: false, message: "deviceTypeId is required" };
  const totalAmount = decimalAmount(fields.totalAmount);
  if (!totalAmount) return { ok: false, message: "totalAmount must be a positive amount with at most two decimals" };
  for (const name of ["successUrl", "failUrl", "cancelUrl"] as const) {
    if (!isAbsoluteUrl(text(fields[name]))) return { ok: false, message: `${name} must be an absolute URL` };
  }
  for (const name of ["CustomerOrderId", "customerName", "customerEmail", "productName"] as const) {
    if (!text(fields[name])) return { ok: false, message: `${name} is required` };
  }
  return {
    ok: true,
    order: orders.add({
      merchantTransactionId,
      customerOrderId: text(fields.CustomerOrderId),
      totalAmount,
      reportedAmount: totalAmount,
      successUrl: text(fields.successUrl),
      failUrl: text(fields.failUrl),
      cancelUrl: text(fields.cancelUrl),
      customerName: text(fields.customerName),
      customerEmail: text(fields.customerEmail),
      customerPhone: text(fields.customerPhone),
      productName: text(fields.productName),
    }),
  };
}
