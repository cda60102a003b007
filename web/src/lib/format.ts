/**
 * Numbers, money, token counts, dates and times for the UI, always through `Intl` for the UI's locale
 * (`INTL_LOCALE`: "en", or "bn-BD" with Bengali digits). Money stays integer micro-USD until it is formatted here;
 * the conversion to a decimal is exact (a decimal string, never a float), and taka come from a configured rate.
 */
import type { MicroUsd } from "./api-types";
import { INTL_LOCALE, type Locale } from "./i18n";

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
  assertMicroUsd(amount);
  const decimal = microUsdToDecimal(amount);
  const format = Math.abs(amount) >= MICRO_USD_PER_CENT || amount === 0 ? centsFormat : subCentFormat;
  return format.format(decimal);
}

function assertMicroUsd(amount: number): void {
  if (!Number.isSafeInteger(amount)) {
    throw new RangeError(`Expected an integer amount of micro-USD, got ${amount}.`);
  }
}

/** Exact decimal string of an amount in USD, e.g. 1_500_000 -> "1.500000", so rounding never sees a float. */
function microUsdToDecimal(amount: MicroUsd): `${number}` {
  const sign = amount < 0 ? "-" : "";
  const absolute = Math.abs(amount);
  const remainder = absolute % MICRO_USD_PER_USD;
  const dollars = (absolute - remainder) / MICRO_USD_PER_USD;
  return `${sign}${dollars}.${String(remainder).padStart(6, "0")}` as `${number}`;
}

// Formatters are costly to build and a table formats thousands of cells: one per locale and options.
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(INTL_LOCALE[locale], options);
    numberFormats.set(key, format);
  }
  return format;
}

function dateFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(INTL_LOCALE[locale], options);
    dateFormats.set(key, format);
  }
  return format;
}

export type Currency = "USD" | "BDT";

export interface MoneyOptions {
  /** Defaults to USD. */
  currency?: Currency;
  /** Taka per US dollar (required for BDT): configuration, not a live rate. */
  bdtPerUsd?: number;
  /**
   * "auto" (default): cents (poisha) for amounts of a cent or more, up to six decimals below, so a tiny request
   * never shows as zero. "price": up to six decimals always, for per-token prices such as $0.075 per 1M tokens.
   */
  precision?: "auto" | "price";
}

/** Decimal digits kept of a rate, so 121.5 taka per dollar multiplies exactly. */
const RATE_DIGITS = 6;

/**
 * Formats integer micro-USD as money in the locale: `formatMoney(1_500_000, "bn")` -> "১.৫০$",
 * `formatMoney(1_500_000, "en", { currency: "BDT", bdtPerUsd: 122 })` -> "৳183.00". Exact (decimal strings):
 * amounts of a cent or more round half away from zero to cents. Throws a RangeError for a non-integer amount or a
 * missing or non-positive rate for taka.
 */
export function formatMoney(amount: MicroUsd, locale: Locale, options: MoneyOptions = {}): string {
  assertMicroUsd(amount);
  const currency = options.currency ?? "USD";
  let decimal: `${number}`;
  let isSubCent: boolean;
  if (currency === "USD") {
    decimal = microUsdToDecimal(amount);
    isSubCent = Math.abs(amount) < MICRO_USD_PER_CENT;
  } else {
    const rate = options.bdtPerUsd;
    if (rate === undefined || !Number.isFinite(rate) || rate <= 0) {
      throw new RangeError(`Expected a positive BDT per USD rate, got ${rate}.`);
    }
    // micro-USD x (rate x 10^6) = taka x 10^12: integers all the way, then a decimal point.
    const scaledRate = BigInt(Math.round(rate * 10 ** RATE_DIGITS));
    const product = BigInt(amount) * scaledRate;
    decimal = scaledToDecimal(product, 6 + RATE_DIGITS);
    const absolute = product < 0n ? -product : product;
    isSubCent = absolute < 10n ** BigInt(6 + RATE_DIGITS - 2);
  }
  const maximumFractionDigits = options.precision === "price" || (isSubCent && amount !== 0) ? 6 : 2;
  return numberFormat(locale, {
    style: "currency",
    currency,
    // "৳" rather than "BDT", and "$" rather than Bangla's "US$": no Latin letters on a Bangla page.
    currencyDisplay: "narrowSymbol",
    minimumFractionDigits: 2,
    maximumFractionDigits,
  }).format(decimal);
}

function scaledToDecimal(value: bigint, digits: number): `${number}` {
  const sign = value < 0n ? "-" : "";
  const absolute = value < 0n ? -value : value;
  const unit = 10n ** BigInt(digits);
  return `${sign}${absolute / unit}.${String(absolute % unit).padStart(digits, "0")}` as `${number}`;
}

/** A plain number in the locale: "1,234,567" / "১২,৩৪,৫৬৭". */
export function formatNumber(value: number, locale: Locale, options: Intl.NumberFormatOptions = {}): string {
  return numberFormat(locale, options).format(value);
}

/**
 * A token count. In full by default ("1,234,567"); `compact` shortens counts of ten thousand or more for
 * summaries ("1.2M", in Bangla with its own words and digits).
 */
export function formatTokens(count: number, locale: Locale, options: { compact?: boolean } = {}): string {
  if (options.compact && Math.abs(count) >= 10_000) {
    return numberFormat(locale, { notation: "compact", maximumFractionDigits: 1 }).format(count);
  }
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(count);
}

/** Bangla's unit names where CLDR's are Latin ("ms"). */
const BANGLA_MILLISECONDS = "মি.সে.";

/** A duration in milliseconds: "1,234 ms" / "১,২৩৪ মি.সে.". */
export function formatMilliseconds(milliseconds: number, locale: Locale): string {
  if (locale === "bn") return `${formatNumber(Math.round(milliseconds), locale)} ${BANGLA_MILLISECONDS}`;
  return numberFormat(locale, { style: "unit", unit: "millisecond", maximumFractionDigits: 0 }).format(milliseconds);
}

/**
 * A moment (ISO 8601 string or Date) with date and time to the second, in the viewer's time zone unless
 * `timeZone` says otherwise: "Dec 6, 2026, 3:04:05 AM". An unparseable value is returned as given.
 */
export function formatDateTime(value: string | Date, locale: Locale, options: { timeZone?: string } = {}): string {
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  return dateFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    second: "2-digit",
    // CLDR's Bangla 12-hour clock says "AM"/"PM" in Latin letters: Bangla gets the 24-hour clock.
    ...(locale === "bn" ? { hourCycle: "h23" as const } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  }).format(date);
}

/**
 * A UTC calendar day ("2026-12-06", as the usage summary groups them): "Dec 6" (`short`, chart axes) or
 * "Dec 6, 2026" (`long`). An unparseable value is returned as given.
 */
export function formatDay(day: string, locale: Locale, options: { style?: "short" | "long" } = {}): string {
  const date = new Date(`${day.slice(0, 10)}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}/.test(day) || Number.isNaN(date.getTime())) return day;
  const style = options.style ?? "long";
  return dateFormat(locale, {
    timeZone: "UTC",
    month: "short",
    day: "numeric",
    ...(style === "long" ? { year: "numeric" } : {}),
  }).format(date);
}
