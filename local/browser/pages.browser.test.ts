/**
 * Every page, at desktop (1280×800) and phone (360×740) widths, in English and in Bangla: axe-core finds no serious
 * or critical violation, a Bangla page shows no English (bangla-text.ts), every request goes to the SPA, the gateway
 * or Clerk, and a screenshot of each goes to .artifacts/browser/.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { TEST_ACCOUNT, resetAccount } from "./account.ts";
import {
  ROUTES,
  englishOnBanglaPage,
  launchChromium,
  navigate,
  openDashboard,
  screenshot,
  seriousAxeViolations,
  settled,
  signIn,
  type Language,
  type ViewportName,
} from "./session.ts";

const target = inject("browserStack");
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const COMBINATIONS: Array<{ viewport: ViewportName; language: Language }> = [
  { viewport: "desktop", language: "en" },
  { viewport: "desktop", language: "bn" },
  { viewport: "phone", language: "en" },
  { viewport: "phone", language: "bn" },
];

describe("every page", () => {
  for (const { viewport, language } of COMBINATIONS) {
    const checks = [viewport === "desktop" || language === "en" ? "axe" : "", language === "bn" ? "no English" : ""];
    it(`${viewport}, ${language}: ${[...checks.filter(Boolean), "origins, screenshots"].join(", ")}`, async () => {
      await resetAccount(target);
      const dashboard = await openDashboard(browser, target, { viewport, language });
      const problems: string[] = [];
      const check = async (name: string) => {
        await settled(dashboard);
        await screenshot(dashboard, target, `${viewport}-${language}-${name}`);
        // axe at phone width once (English): the Bangla page's markup is the same.
        if (viewport === "desktop" || language === "en")
          for (const finding of await seriousAxeViolations(dashboard.page))
            problems.push(
              `${name}: axe ${finding.impact} ${finding.id} (${finding.help}) at ${finding.targets.join(" | ")}`,
            );
        if (language === "bn")
          for (const english of await englishOnBanglaPage(dashboard.page, { userValues: [TEST_ACCOUNT.name] }))
            problems.push(`${name}: English on the Bangla page: ${english}`);
      };
      try {
        await dashboard.page.goto(`${target.spaUrl}/`);
        await signIn(dashboard.page, {
          onSignInPage: () => check("sign-in"),
          onAgeGate: () => check("age-gate"),
        });
        await expect
          .poll(() => dashboard.page.evaluate(() => document.documentElement.lang))
          .toBe(language === "bn" ? "bn-BD" : "en");
        for (const route of ROUTES) {
          await navigate(dashboard.page, route.path);
          await check(route.name);
        }
        expect(dashboard.unexpectedOrigins()).toEqual([]);
        expect(dashboard.cspViolations).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await dashboard.close();
      }
    });
  }
});
