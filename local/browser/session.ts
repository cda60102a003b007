/**
 * Driving the SPA in Debian's chromium through playwright-core: a page that records every request's origin and every
 * Content-Security-Policy refusal, the local sign-in and age gate, the language switch, in-app navigation, axe and
 * screenshots.
 */
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { COLLECT_VISIBLE_TEXTS, englishOnPage, type BanglaCheckOptions, type VisibleText } from "./bangla-text.ts";
import { unexpectedOrigins } from "./origins.ts";

export const CHROMIUM_PATH = process.env.OMNIZEN_CHROMIUM ?? "/usr/bin/chromium";

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 360, height: 740 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;
export type Language = "en" | "bn";

/** The routes of web/src/config/paths.ts, named for screenshots. */
export const ROUTES = [
  { name: "overview", path: "/" },
  { name: "keys", path: "/keys" },
  { name: "usage", path: "/usage" },
  { name: "models", path: "/models" },
  { name: "billing", path: "/billing" },
  { name: "settings-profile", path: "/settings/profile" },
  { name: "settings-privacy", path: "/settings/privacy" },
  { name: "settings-danger", path: "/settings/danger" },
  { name: "policy", path: "/policy" },
] as const;

export interface Target {
  spaUrl: string;
  gatewayUrl: string;
  artifactsDir: string;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Root (CI containers) cannot use chromium's sandbox.
    args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
  });
}

export interface DashboardPage {
  context: BrowserContext;
  page: Page;
  /** Every http(s) URL the page requested, in order. */
  requests: string[];
  /** Console messages about Content-Security-Policy refusals. */
  cspViolations: string[];
  /** Requests still in flight. */
  inFlight(): number;
  /** Origins other than the SPA's, the gateway's and Clerk's. */
  unexpectedOrigins(): string[];
  close(): Promise<void>;
}

export async function openDashboard(
  browser: Browser,
  target: Target,
  options: { viewport: ViewportName; language?: Language },
): Promise<DashboardPage> {
  const context = await browser.newContext({
    viewport: VIEWPORTS[options.viewport],
    // Phones: touch and a device scale factor of 1 keeps screenshots small.
    hasTouch: options.viewport === "phone",
    isMobile: options.viewport === "phone",
    locale: "en-US",
    acceptDownloads: true,
  });
  if (options.language) {
    // The first visit's language, before the language switch is reachable (the sign-in page); kept once chosen.
    await context.addInitScript(
      `if (!localStorage.getItem("omnizen.locale")) localStorage.setItem("omnizen.locale", ${JSON.stringify(options.language)});`,
    );
  }
  const page = await context.newPage();
  const requests: string[] = [];
  const cspViolations: string[] = [];
  let pending = 0;
  context.on("request", (request) => {
    requests.push(request.url());
    pending += 1;
  });
  const settle = () => (pending = Math.max(0, pending - 1));
  context.on("requestfinished", settle);
  context.on("requestfailed", settle);
  page.on("console", (message) => {
    if (/content security policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return {
    context,
    page,
    requests,
    cspViolations,
    inFlight: () => pending,
    unexpectedOrigins: () => unexpectedOrigins(requests, [target.spaUrl, target.gatewayUrl]),
    close: () => context.close(),
  };
}

/** Waits until no request has been in flight for `quietMs` (data loaded, charts drawn), at most `timeoutMs`. */
export async function settled(dashboard: DashboardPage, quietMs = 300, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    if (dashboard.inFlight() > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Let React commit and Recharts finish its first animation frame.
  await dashboard.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
}

const testId = (page: Page, id: string) => page.getByTestId(id);

/** What the app shows first: the sign-in page, the age gate or the signed-in shell. */
export async function firstScreen(page: Page): Promise<"signed-out" | "age-gate" | "shell"> {
  const screens = ["signed-out", "age-gate", "nav-overview"] as const;
  const found = await Promise.any(
    screens.map((id) =>
      testId(page, id)
        .first()
        .waitFor({ state: "attached", timeout: 15_000 })
        .then(() => id),
    ),
  ).catch(() => {
    throw new Error(`none of ${screens.join(", ")} appeared on ${page.url()}`);
  });
  return found === "nav-overview" ? "shell" : found;
}

/** Signs in with the local sign-in and confirms the age if asked; resolves once the shell shows. */
export async function signIn(
  page: Page,
  hooks: { onSignInPage?: () => Promise<void>; onAgeGate?: () => Promise<void> } = {},
) {
  let screen = await firstScreen(page);
  if (screen === "signed-out") {
    await hooks.onSignInPage?.();
    await testId(page, "dev-sign-in").click();
    screen = await firstScreen(page);
    for (let i = 0; i < 50 && screen === "signed-out"; i += 1) {
      await page.waitForTimeout(100);
      screen = await firstScreen(page);
    }
  }
  if (screen === "age-gate") {
    await hooks.onAgeGate?.();
    await testId(page, "age-confirm").click();
  }
  await testId(page, "nav-overview").first().waitFor({ state: "attached", timeout: 15_000 });
}

/** Chooses the language with the shell's switch (hidden in a menu on phones: chosen without opening it). */
export async function chooseLanguage(page: Page, language: Language): Promise<void> {
  const select = testId(page, "language-switch").first();
  await select.waitFor({ state: "attached", timeout: 10_000 });
  await select.selectOption(language, { force: !(await select.isVisible()) });
  await page.waitForFunction((lang) => document.documentElement.lang === lang, language === "bn" ? "bn-BD" : "en", {
    timeout: 5_000,
  });
}

/** Client-side navigation (no reload, the session stays): the browser router follows `popstate`. */
export async function navigate(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    window.history.pushState({}, "", to);
    window.dispatchEvent(new PopStateEvent("popstate", { state: {} }));
  }, path);
  await page.waitForURL((url) => url.pathname === path, { timeout: 5_000 });
}

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousAxeViolations(page: Page): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? "",
      help: violation.help,
      targets: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")),
    }));
}

/** English left on a Bangla page (bangla-text.ts), with where it is. */
export async function englishOnBanglaPage(page: Page, options: BanglaCheckOptions = {}) {
  const texts = (await page.evaluate(COLLECT_VISIBLE_TEXTS)) as VisibleText[];
  return englishOnPage(texts, options).map((entry) => `${entry.where}: "${entry.text}" (${entry.words.join(", ")})`);
}

export async function screenshot(dashboard: DashboardPage, target: Target, name: string): Promise<string> {
  const path = join(target.artifactsDir, `${name}.png`);
  await dashboard.page.screenshot({ path, fullPage: true, animations: "disabled" });
  return path;
}
