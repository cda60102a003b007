/**
 * `POST /api/billing/eps/checkout`: our order first (a `payments` row, pending, with a unique merchant transaction id),
 * then InitializeEPS, then the payment page's URL for the browser. The price is the catalog's BDT price in paisa
 * (never converted); a pack's credit is fixed on the order, a plan's comes with the period (eps-verification.ts).
 * A refused InitializeEPS marks the order failed. The success, fail and cancel URLs are the SPA's billing page: it
 * only shows the status and asks the server to verify; nothing is granted from their query.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../../../../../db/client.ts";
import { payments, users } from "../../../../../db/schema.ts";
import { findCreditPack, findPlanOffer } from "../../../catalog/billing-catalog.ts";
import type { CheckoutRequest, CheckoutResponse } from "../../../contracts/billing-api.ts";
import { GatewayError } from "../../../errors.ts";
import { paisaToBdtDecimal } from "../../../lib/money.ts";
import type { EpsClient, InitializeRequest } from "./eps-client.ts";
import type { EpsSettings } from "./eps-settings.ts";

/** EPS's `transactionTypeId` for a web checkout (1 = web, 2 = android, 3 = ios). */
const TRANSACTION_TYPE_WEB = 1;
/** UNCONFIRMED meaning (docs/billing.md): EPS's WHMCS module sends 4; the Laravel one reads it from its config. */
const DEVICE_TYPE_ID = 4;

interface Product {
  purpose: "pack" | "plan";
  productId: string;
  amountPaisa: number;
  creditMicroUsd: number;
  name: string;
}

function resolveProduct(request: CheckoutRequest): Product {
  if (request.kind === "pack") {
    const pack = findCreditPack(request.productId);
    if (pack)
      return {
        purpose: "pack",
        productId: pack.id,
        amountPaisa: pack.priceBdtPaisa,
        creditMicroUsd: pack.creditMicroUsd,
        name: `omnizen credit ${pack.id}`,
      };
  } else {
    const offer = findPlanOffer(request.productId);
    if (offer && offer.monthlyPriceBdtPaisa > 0)
      return {
        purpose: "plan",
        productId: offer.id,
        amountPaisa: offer.monthlyPriceBdtPaisa,
        creditMicroUsd: 0,
        name: `omnizen ${offer.id} plan, 30 days`,
      };
  }
  throw new GatewayError("invalid_request", `Unknown ${request.kind} "${request.productId}" for an EPS checkout.`, {
    param: "productId",
  });
}

/** A merchant transaction id: `OZ` and 24 hex digits (EPS asks for at least 10 characters, unique per merchant). */
export function newMerchantTransactionId(): string {
  return `OZ${crypto.randomUUID().replaceAll("-", "").slice(0, 24).toUpperCase()}`;
}

export async function createEpsCheckout(
  deps: { db: Database; client: EpsClient; settings: EpsSettings },
  input: { userId: string; request: CheckoutRequest; returnPageUrl: string },
): Promise<CheckoutResponse> {
  const product = resolveProduct(input.request);
  const [user] = await deps.db
    .select({ name: users.name, email: users.email, phone: users.phone })
    .from(users)
    .where(eq(users.id, input.userId));
  if (!user) throw new GatewayError("unauthorized_session", "The account no longer exists.");
  const merchantTransactionId = newMerchantTransactionId();
  const [order] = await deps.db
    .insert(payments)
    .values({
      userId: input.userId,
      provider: "eps",
      purpose: product.purpose,
      productId: product.productId,
      merchantReference: merchantTransactionId,
      amountMinor: product.amountPaisa,
      currency: "bdt",
      creditMicroUsd: product.creditMicroUsd,
    })
    .returning({ id: payments.id });
  if (!order) throw new Error("payment insert returned nothing");

  const returnUrl = (outcome: "success" | "fail" | "cancel") => {
    const url = new URL(input.returnPageUrl);
    url.searchParams.set("provider", "eps");
    url.searchParams.set("payment", order.id);
    url.searchParams.set("reference", merchantTransactionId);
    url.searchParams.set("outcome", outcome);
    return url.toString();
  };
  const request: InitializeRequest = {
    merchantId: deps.settings.merchantId,
    storeId: deps.settings.storeId,
    CustomerOrderId: order.id,
    merchantTransactionId,
    transactionTypeId: TRANSACTION_TYPE_WEB,
    // Exact: the decimal text of the paisa amount read as a number ("600.50" -> 600.5), printed back identically.
    totalAmount: Number(paisaToBdtDecimal(product.amountPaisa)),
    successUrl: returnUrl("success"),
    failUrl: returnUrl("fail"),
    cancelUrl: returnUrl("cancel"),
    customerName: user.name?.trim() || "omnizen customer",
    customerEmail: user.email ?? "",
    customerAddress: "",
    customerCity: "",
    customerState: "",
    customerPostcode: "",
    customerCountry: "BD",
    customerPhone: user.phone ?? "",
    productName: product.name,
    productProfile: "non-physical-goods",
    productCategory: product.purpose === "pack" ? "credit" : "subscription",
    noOfItem: 1,
    deviceTypeId: DEVICE_TYPE_ID,
    shippingMethod: "NO",
    valueA: order.id,
  };
  let initialized: { transactionId: string; redirectUrl: string };
  try {
    initialized = await deps.client.initialize(request);
  } catch (error) {
    await deps.db.update(payments).set({ status: "failed", updatedAt: new Date() }).where(eq(payments.id, order.id));
    throw error;
  }
  if (initialized.transactionId) {
    await deps.db
      .update(payments)
      .set({ providerReference: initialized.transactionId, updatedAt: new Date() })
      .where(eq(payments.id, order.id));
  }
  return { url: initialized.redirectUrl, paymentId: order.id, merchantReference: merchantTransactionId };
}
