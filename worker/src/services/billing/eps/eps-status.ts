/**
 * What CheckMerchantTransactionStatus's answer means for our order. The fields are the .NET sample's
 * `EPSPayemntStatus` (`Status`, `TotalAmount`, `MerchantTransactionId`, `EpsTransactionId`); the official PHP sample
 * also reads `transactionStatus`, `status`, `data.transactionStatus` and `data.status`, so they are read too.
 *
 * | EPS status (any case)                      | verdict   |
 * |--------------------------------------------|-----------|
 * | Success, Completed                         | paid (only with the order's amount, to the paisa) |
 * | Failed, Failure, Declined                  | failed    |
 * | Cancel, Cancelled, Canceled                | cancelled |
 * | anything else (Initiated, Processing, ...) | pending   |
 */
import { bdtDecimalToPaisa } from "../../../lib/money.ts";

export type EpsVerdict =
  | { kind: "paid"; epsTransactionId: string | null }
  | { kind: "amount_mismatch"; reportedPaisa: number | null }
  | { kind: "failed" | "cancelled" | "pending" };

const PAID = new Set(["SUCCESS", "COMPLETED"]);
const FAILED = new Set(["FAILED", "FAILURE", "DECLINED"]);
const CANCELLED = new Set(["CANCEL", "CANCELLED", "CANCELED"]);

function field(record: Record<string, unknown>, names: readonly string[]): unknown {
  const nested =
    typeof record.data === "object" && record.data !== null ? (record.data as Record<string, unknown>) : {};
  for (const name of names) {
    if (record[name] !== undefined && record[name] !== null) return record[name];
    if (nested[name] !== undefined && nested[name] !== null) return nested[name];
  }
  return undefined;
}

/**
 * The verdict for an order of `expectedPaisa` with id `merchantTransactionId`. A success counts only when EPS's
 * `TotalAmount` equals the order's amount exactly and the record names the same order.
 */
export function readEpsStatus(
  record: Record<string, unknown>,
  merchantTransactionId: string,
  expectedPaisa: number,
): EpsVerdict {
  const status = String(field(record, ["Status", "status", "transactionStatus", "TransactionStatus"]) ?? "")
    .trim()
    .toUpperCase();
  if (FAILED.has(status)) return { kind: "failed" };
  if (CANCELLED.has(status)) return { kind: "cancelled" };
  if (!PAID.has(status)) return { kind: "pending" };
  const namedId = field(record, ["MerchantTransactionId", "merchantTransactionId"]);
  if (namedId !== undefined && String(namedId) !== merchantTransactionId) return { kind: "pending" };
  const reportedPaisa = bdtDecimalToPaisa(field(record, ["TotalAmount", "totalAmount", "Amount", "amount"]));
  if (reportedPaisa !== expectedPaisa) return { kind: "amount_mismatch", reportedPaisa };
  const epsId = field(record, ["EpsTransactionId", "EPSTransactionId", "epsTransactionId", "TransactionId"]);
  return { kind: "paid", epsTransactionId: typeof epsId === "string" && epsId !== "" ? epsId : null };
}
