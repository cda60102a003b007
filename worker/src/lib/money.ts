/**
 * Every conversion between money units, written down once (issue 12). Amounts are integers in minor units:
 * micro-USD for credit (1 USD = 1_000_000), US cents for Stripe prices (1 USD = 100), BDT paisa for EPS (1 BDT = 100).
 * There is no conversion between USD and BDT here: BDT prices are set in BDT (catalog/billing-catalog.ts).
 */

export const MICRO_USD_PER_CENT = 10_000;

/** US cents (Stripe's `amount`) as micro-USD. */
export function centsToMicroUsd(cents: number): number {
  assertMinor(cents);
  return cents * MICRO_USD_PER_CENT;
}

/** Micro-USD as US cents, only when exact (a price must not be rounded silently). */
export function microUsdToCents(microUsd: number): number {
  assertMinor(microUsd);
  if (microUsd % MICRO_USD_PER_CENT !== 0) throw new RangeError("micro-USD amount is not a whole number of cents");
  return microUsd / MICRO_USD_PER_CENT;
}

/** Paisa as EPS's decimal BDT amount (`totalAmount`): "100.50". */
export function paisaToBdtDecimal(paisa: number): string {
  assertMinor(paisa);
  const sign = paisa < 0 ? "-" : "";
  const abs = Math.abs(paisa);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * EPS's decimal BDT amount (a number or a string such as "100.5" or "100.50") as paisa; null when it is not a
 * non-negative amount with at most two decimals. Parsed as text, never through floating point arithmetic.
 */
export function bdtDecimalToPaisa(amount: unknown): number | null {
  const text = typeof amount === "number" ? String(amount) : typeof amount === "string" ? amount.trim() : "";
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return null;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? "0").padEnd(2, "0"));
  return whole * 100 + fraction;
}

/**
 * The credit to claw back for a partial refund: `credit * refunded / paid`, rounded down (in the customer's favour),
 * computed exactly in BigInt.
 */
export function proportionalCredit(creditMicroUsd: number, refundedMinor: number, paidMinor: number): number {
  assertMinor(creditMicroUsd);
  assertMinor(refundedMinor);
  assertMinor(paidMinor);
  if (paidMinor === 0) return 0;
  const share = (BigInt(creditMicroUsd) * BigInt(Math.min(refundedMinor, paidMinor))) / BigInt(paidMinor);
  return Number(share);
}

function assertMinor(value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError("money amount is not a safe integer");
}
