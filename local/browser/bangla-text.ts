/**
 * The Bangla page check: on a page shown in Bangla, no visible text may be English, save what is not translated in
 * any language: brand and provider names, model names and ids, currency and technical acronyms, numbers, emails,
 * URLs, ids and key prefixes, and what the user typed (their name, a key's name). A passage the page itself marks
 * as English (`lang="en"` on an element, e.g. a quoted legal text) is left alone, as are the language switch's
 * option labels (each language's name in its own language).
 */
import { MODELS } from "../../worker/src/catalog/models.ts";

/** Names that stay in Latin script whatever the language. */
export const BRAND_NAMES = [
  "omnizen",
  "OpenAI",
  "Anthropic",
  "Google",
  "DeepSeek",
  "Z.ai",
  "Zhipu",
  "GLM",
  "Alibaba",
  "Qwen",
  "MiniMax",
  "Moonshot",
  "Kimi",
  "Claude",
  "Gemini",
  "GPT",
  "Clerk",
  "Stripe",
  "EPS",
  "bKash",
  "Nagad",
  "Cloudflare",
  "Neon",
  "Upstash",
  "GitHub",
];

/** Acronyms used as such in Bangla technical writing, currency codes, and the day periods `Intl` prints for bn. */
export const ACRONYMS = [
  "API",
  "SDK",
  "CSV",
  "JSON",
  "URL",
  "HTTP",
  "HTTPS",
  "TLS",
  "ID",
  "USD",
  "BDT",
  "UTC",
  "GMT",
  "CN",
  "SG",
  "US",
  "EU",
  "AM",
  "PM",
  "OTP",
];

/** Patterns removed before looking for words: they are data, not language. */
const DATA_PATTERNS: readonly RegExp[] = [
  /\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/g, // emails
  /\b(https?|wss?):\/\/\S+/g, // URLs
  /\bsk-omni-[A-Za-z0-9…•*.]*/g, // API keys and their prefixes
  /\b[\w.-]+\/[\w.:-]+/g, // model ids (provider/model), paths
  /\/[\w./-]*/g, // routes such as /v1/chat/completions
];

export interface BanglaCheckOptions {
  /** Exact strings the user typed or owns (account name, key names): removed like data. */
  userValues?: readonly string[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Phrases allowed verbatim, longest first (so "Claude Opus 5.5" goes before "Claude"). */
function allowedPhrases(options: BanglaCheckOptions): string[] {
  const phrases = [
    ...MODELS.flatMap((model) => [
      model.id,
      model.id.slice(model.id.indexOf("/") + 1),
      model.name,
      ...model.routes.map((route) => route.upstreamModel),
    ]),
    ...BRAND_NAMES,
    ...(options.userValues ?? []).filter((value) => value.trim() !== ""),
  ];
  return [...new Set(phrases)].sort((a, b) => b.length - a.length);
}

/** The English words in `text` (empty when it is fine on a Bangla page). */
export function englishWords(text: string, options: BanglaCheckOptions = {}): string[] {
  let rest = text;
  // Data first (an email may contain a brand), then the allowed phrases.
  for (const pattern of DATA_PATTERNS) rest = rest.replace(pattern, " ");
  for (const phrase of allowedPhrases(options)) {
    rest = rest.replace(new RegExp(`(?<![A-Za-z])${escapeRegExp(phrase)}(?![A-Za-z])`, "gi"), " ");
  }
  const acronyms = new Set(ACRONYMS);
  return rest
    .split(/[^A-Za-z0-9_]+/)
    .filter((token) => /^[A-Za-z]{2,}$/.test(token))
    .filter((token) => !acronyms.has(token));
}

export interface VisibleText {
  text: string;
  /** Where it is: the nearest element's tag, test id and classes, for the failure message. */
  where: string;
}

/** The visible texts (text nodes and placeholders) that contain English words. */
export function englishOnPage(
  texts: readonly VisibleText[],
  options: BanglaCheckOptions = {},
): Array<VisibleText & { words: string[] }> {
  return texts
    .map((entry) => ({ ...entry, words: englishWords(entry.text, options) }))
    .filter((entry) => entry.words.length > 0);
}

/**
 * Runs in the page (`page.evaluate(COLLECT_VISIBLE_TEXTS)`): every visible text node's text and every visible
 * placeholder, outside `lang="en"` passages and the language switch's options, as `VisibleText[]`. Plain JavaScript
 * in a string, so no transpiler helper (such as esbuild's `__name`) ends up in code that runs in the browser.
 */
export const COLLECT_VISIBLE_TEXTS = `(() => {
  const describe = (element) => {
    const testId = element.closest("[data-testid]")?.getAttribute("data-testid");
    return "<" + element.tagName.toLowerCase() + ">" + (testId ? " in [data-testid=" + testId + "]" : "");
  };
  // A passage marked English inside the page; the document's own lang (the UI language) is not such a mark.
  const markedEnglish = (element) => {
    const marked = element.closest("[lang]");
    return marked !== null && marked !== document.documentElement &&
      (marked.getAttribute("lang") ?? "").toLowerCase().startsWith("en");
  };
  const excluded = (element) =>
    element.closest("script, style, noscript, template, [data-testid='language-switch'] option") !== null ||
    markedEnglish(element);
  const visible = (element) =>
    typeof element.checkVisibility === "function"
      ? element.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })
      : element.offsetParent !== null;
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    const text = (node.textContent ?? "").trim();
    const parent = node.parentElement;
    if (text === "" || parent === null || excluded(parent) || !visible(parent)) continue;
    found.push({ text, where: describe(parent) });
  }
  for (const element of Array.from(document.querySelectorAll("[placeholder]"))) {
    const text = (element.getAttribute("placeholder") ?? "").trim();
    if (text !== "" && !excluded(element) && visible(element)) found.push({ text, where: describe(element) });
  }
  return found;
})()`;
