/**
 * Every string of the SPA in both languages: each feature's (and shared component's) Bangla dictionary has exactly
 * the English keys, no empty value, the same `{placeholders}`, and is not left in English (brand names aside).
 */
import { describe, expect, it } from "vitest";
import type { Messages } from "./lib/i18n";

const modules = import.meta.glob<Record<string, unknown>>("./**/messages.ts", { eager: true });

/** Values that are the same in both languages on purpose: names and notations. */
const SAME_IN_BOTH = new Set(["omnizen", "English", "বাংলা", "E.164", "JSON", "CSV", "ID"]);

function isMessages(value: unknown): value is Messages<string> {
  return typeof value === "object" && value !== null && "en" in value && "bn" in value;
}

const dictionaries = Object.entries(modules).flatMap(([file, exports]) =>
  Object.entries(exports)
    .filter((entry): entry is [string, Messages<string>] => isMessages(entry[1]))
    .map(([name, messages]) => ({ id: `${file}#${name}`, messages })),
);

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe("English and Bangla messages", () => {
  it("finds the messages of every feature", () => {
    const ids = dictionaries.map((dictionary) => dictionary.id).join("\n");
    for (const expected of ["features/keys", "features/settings", "features/account", "components/layouts"]) {
      expect(ids).toContain(expected);
    }
  });

  for (const { id, messages } of dictionaries) {
    it(`${id}: same keys, non-empty, translated, same placeholders`, () => {
      expect(Object.keys(messages.bn).sort()).toEqual(Object.keys(messages.en).sort());
      const problems: string[] = [];
      for (const [key, english] of Object.entries(messages.en)) {
        const bangla = messages.bn[key] ?? "";
        // Only punctuation and placeholders (e.g. "—", "{status} ({code})"): the same in every language.
        const neutral = !/\p{L}/u.test(english.replace(/\{\w+\}/g, ""));
        if (english.trim() === "") problems.push(`${key}: empty English`);
        if (bangla.trim() === "") problems.push(`${key}: empty Bangla`);
        if (bangla === english && !SAME_IN_BOTH.has(english) && !neutral) problems.push(`${key}: left in English`);
        if (placeholders(bangla).join() !== placeholders(english).join()) problems.push(`${key}: placeholders differ`);
        // A Bangla string carries Bangla script (brand names aside).
        if (!SAME_IN_BOTH.has(english) && !neutral && !/[\u0980-\u09FF]/.test(bangla))
          problems.push(`${key}: no Bangla script`);
      }
      expect(problems).toEqual([]);
    });
  }
});
