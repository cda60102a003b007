/**
 * English and Bangla. Each feature keeps its own messages next to its code (`features/<name>/messages.ts`):
 *
 *   export const keysMessages = defineMessages({ en: { title: "API keys" }, bn: { title: "এপিআই কী" } });
 *   const t = useMessages(keysMessages); t("title");
 *
 * The Bangla dictionary must have exactly the English keys (a type error otherwise). `{name}` placeholders are
 * filled from `vars`. Numbers, dates and money are formatted with `Intl` for the locale (lib/format.ts).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

export type Locale = "en" | "bn";
export const LOCALES: readonly Locale[] = ["en", "bn"];
/** The `Intl` locale of each UI locale. */
export const INTL_LOCALE: Record<Locale, string> = { en: "en", bn: "bn-BD" };

export type MessageDictionary = Record<string, string>;
export interface Messages<Keys extends string> {
  en: Record<Keys, string>;
  bn: Record<Keys, string>;
}

export function defineMessages<const English extends MessageDictionary>(messages: {
  en: English;
  bn: Record<keyof English & string, string>;
}): Messages<keyof English & string> {
  return messages;
}

const STORAGE_KEY = "omnizen.locale";

function initialLocale(): Locale {
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (stored === "en" || stored === "bn") return stored;
  } catch {
    // Storage may be unavailable (private mode); fall back to the browser's language.
  }
  return globalThis.navigator?.language?.toLowerCase().startsWith("bn") ? "bn" : "en";
}

interface LocaleState {
  locale: Locale;
  setLocale(locale: Locale): void;
}

const LocaleContext = createContext<LocaleState>({ locale: "en", setLocale: () => undefined });

export function LocaleProvider({ children, initial }: { children: ReactNode; initial?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(() => initial ?? initialLocale());
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, next);
    } catch {
      // Not persisted; the choice still holds for this visit.
    }
  }, []);
  useEffect(() => {
    if (typeof document !== "undefined") document.documentElement.lang = INTL_LOCALE[locale];
  }, [locale]);
  const value = useMemo(() => ({ locale, setLocale }), [locale, setLocale]);
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

export function useLocale(): LocaleState {
  return useContext(LocaleContext);
}

/** Fills `{name}` placeholders. */
export function interpolate(template: string, vars?: Record<string, string | number>): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The translate function of a feature's messages, in the current locale. */
export function useMessages<Keys extends string>(
  messages: Messages<Keys>,
): (key: Keys, vars?: Record<string, string | number>) => string {
  const { locale } = useLocale();
  return useCallback((key, vars) => interpolate(messages[locale][key], vars), [messages, locale]);
}
