import type { MicroUsd } from "./api-types";

const MICRO_USD_PER_USD = 1_000_000;
const MICRO_USD_PER_CENT = 10_000;

const centsFormat = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

const subCentFormat = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 6,
});

/**
 * Formats integer micro-USD as US dollars: "$1,234.57", "-$0.50". Amounts of a cent or more are rounded to
 * cents (half away from zero); smaller non-zero amounts keep full precision, so a $0.000042 request does not
 * show as "$0.00". Throws a RangeError for anything that is not a safe integer.
 */
export function formatMicroUsd(amount: MicroUsd): string {
  if (!Number.isSafeInteger(amount)) {
    throw new RangeError(`Expected an integer amount of micro-USD, got ${amount}.`);
  }
  const decimal = microUsdToDecimal(amount);
  const format = Math.abs(amount) >= MICRO_USD_PER_CENT || amount === 0 ? centsFormat : subCentFormat;
  return format.format(decimal);
}

/** Exact decimal string of an amount in USD, e.g. 1_500_000 -> "1.500000", so rounding never sees a float. */
function microUsdToDecimal(amount: MicroUsd): `${number}` {
  const sign = amount < 0 ? "-" : "";
  const absolute = Math.abs(amount);
  const remainder = absolute % MICRO_USD_PER_USD;
  const dollars = (absolute - remainder) / MICRO_USD_PER_USD;
  return `${sign}${dollars}.${String(remainder).padStart(6, "0")}` as `${number}`;
}
