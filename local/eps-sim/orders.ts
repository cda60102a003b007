/**
 * The EPS simulator's orders: what InitializeEPS accepted, what the payment page did to it, and what
 * CheckMerchantTransactionStatus and the IPN report. In memory, per simulator run.
 */
import { randomUUID } from "node:crypto";

/** The statuses the simulator reports (`Status` of CheckMerchantTransactionStatus). */
export type OrderStatus = "Initiated" | "Processing" | "Success" | "Failed" | "Cancelled";

export const FINANCIAL_ENTITIES = { bkash: "bKash", nagad: "Nagad", card: "Card" } as const;
export type PaymentMethod = keyof typeof FINANCIAL_ENTITIES;

export interface Order {
  epsTransactionId: string;
  merchantTransactionId: string;
  customerOrderId: string;
  /** The amount InitializeEPS asked for, as decimal text ("600.00"). */
  totalAmount: string;
  /** What EPS reports as paid; differs from `totalAmount` only after `/_sim/.../tamper`. */
  reportedAmount: string;
  successUrl: string;
  failUrl: string;
  cancelUrl: string;
  customerName: string;
  customerEmail: string;
  customerPhone: string;
  productName: string;
  status: OrderStatus;
  method: PaymentMethod | null;
  /** Set by `/_sim/.../delay`: paying leaves the order Processing (no IPN) until `/_sim/.../complete`. */
  delayed: boolean;
  transactionDate: string;
  /** The last IPN body built for this order (delivered when an IPN URL is configured). */
  ipnBody: string | null;
}

export class OrderBook {
  private readonly byMerchantId = new Map<string, Order>();
  private readonly byEpsId = new Map<string, Order>();

  has(merchantTransactionId: string): boolean {
    return this.byMerchantId.has(merchantTransactionId);
  }

  add(
    fields: Omit<Order, "epsTransactionId" | "status" | "method" | "delayed" | "transactionDate" | "ipnBody">,
  ): Order {
    const order: Order = {
      ...fields,
      epsTransactionId: `EPS${randomUUID().replaceAll("-", "").slice(0, 20).toUpperCase()}`,
      status: "Initiated",
      method: null,
      delayed: false,
      transactionDate: new Date().toISOString(),
      ipnBody: null,
    };
    this.byMerchantId.set(order.merchantTransactionId, order);
    this.byEpsId.set(order.epsTransactionId, order);
    return order;
  }

  byMerchant(merchantTransactionId: string): Order | undefined {
    return this.byMerchantId.get(merchantTransactionId);
  }

  byEps(epsTransactionId: string): Order | undefined {
    return this.byEpsId.get(epsTransactionId);
  }
}

/** CheckMerchantTransactionStatus's answer (field names of the .NET sample's `EPSPayemntStatus`). */
export function statusView(order: Order): Record<string, unknown> {
  return {
    MerchantTransactionId: order.merchantTransactionId,
    EpsTransactionId: order.epsTransactionId,
    CustomerOrderId: order.customerOrderId,
    Status: order.status,
    TotalAmount: order.reportedAmount,
    TransactionDate: order.transactionDate,
    TransactionType: "Web",
    FinancialEntity: order.method ? FINANCIAL_ENTITIES[order.method] : null,
    CustomerName: order.customerName,
    CustomerEmail: order.customerEmail,
    CustomerPhone: order.customerPhone,
    ProductName: order.productName,
    ErrorCode: null,
    ErrorMessage: null,
  };
}

/** The IPN's decrypted payload (snake_case fields seen in public receivers; UNCONFIRMED, docs/billing.md). */
export function ipnPayload(order: Order): Record<string, unknown> {
  return {
    merchant_transaction_id: order.merchantTransactionId,
    transaction_id: order.epsTransactionId,
    status: order.status.toUpperCase(),
    amount: order.reportedAmount,
    store_amount: order.reportedAmount,
    payment_method: order.method ? FINANCIAL_ENTITIES[order.method] : null,
    timestamp: new Date().toISOString(),
  };
}
