/**
 * Prices as the catalog sets them, in each currency's minor unit (US cents, BDT paisa), formatted for the UI's locale
 * without any conversion: "$20.00", "৳2,400.00" ("৳২,৪০০.০০" in Bangla). Exact: a decimal string, never a float.
 * Credit (micro-USD) goes through lib/format.ts `formatMoney`.
 */
import { INTL_LOCALE, type Locale } from "../../lib/i18n";

export type PriceCurrency = "usd" | "bdt";

const formats = new Map<string, Intl.NumberFormat>();

function format(locale: Locale, currency: PriceCurrency): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let cached = formats.get(key);
  if (!cached) {
    cached = new Intl.NumberFormat(INTL_LOCALE[locale], {
      style: "currency",
      currency: currency.toUpperCase(),
      // "৳" and "$", never "BDT" or "US$": no Latin letters on a Bangla page.
      currencyDisplay: "narrowSymbol",
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    formats.set(key, cached);
  }
  return cached;
}

/** Formats an integer amount of cents or paisa. Throws a RangeError for anything but a safe integer. */
export function formatPrice(amountMinor: number, currency: PriceCurrency, locale: Locale): string {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError(`Expected an integer minor amount, got ${amountMinor}.`);
  const sign = amountMinor < 0 ? "-" : "";
  const absolute = Math.abs(amountMinor);
  const decimal = `${sign}${Math.trunc(absolute / 100)}.${String(absolute % 100).padStart(2, "0")}`;
  return format(locale, currency).format(decimal as `${number}`);
}

const BANGLA_DIGITS = "০১২৩৪৫৬৭৮৯";
const MICRO_USD_PER_USD = 1_000_000;
const MICRO_USD_PER_CENT = 10_000;

/**
 * A US dollar amount as typed ("5", "7.50", "৭.৫", "$10") as integer micro-USD, or null when it is not a
 * non-negative amount with at most two decimals. Parsed as text, never through floating point arithmetic.
 */
export function parseUsdInput(text: string): number | null {
  const ascii = text
    .trim()
    .replace(/[০-৯]/g, (digit) => String(BANGLA_DIGITS.indexOf(digit)))
    .replace(/^\$/, "")
    .replace(/,/g, "");
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(ascii);
  if (!match) return null;
  const cents = Number((match[2] ?? "0").padEnd(2, "0"));
  return Number(match[1]) * MICRO_USD_PER_USD + cents * MICRO_USD_PER_CENT;
}

/** Micro-USD as the decimal a user would type back: 5_000_000 -> "5", 7_500_000 -> "7.50". */
export function usdInputValue(microUsd: number): string {
  const whole = Math.trunc(microUsd / MICRO_USD_PER_USD);
  const cents = Math.round((microUsd % MICRO_USD_PER_USD) / MICRO_USD_PER_CENT);
  return cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, "0")}`;
}
