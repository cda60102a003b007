/**
 * The browser harness itself (local/browser/harness.ts, session.ts): the SPA is served from a production build with
 * its security headers, Debian's chromium drives it, every request origin is recorded and allowed, axe runs, and
 * screenshots are written. These hold whatever the pages look like.
 */
import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  englishOnBanglaPage,
  launchChromium,
  openDashboard,
  screenshot,
  seriousAxeViolations,
  settled,
} from "./session.ts";
import { cspProblems } from "./origins.ts";

const target = inject("browserStack");
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("browser harness", () => {
  it("serves the built SPA, and proxies /v1 and /api to the gateway", async () => {
    const response = await fetch(`${target.spaUrl}/keys`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<div id="root">');
    const models = await fetch(`${target.spaUrl}/v1/models`);
    expect(models.status).toBe(200);
    expect(((await models.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
    const account = await fetch(`${target.spaUrl}/api/account`);
    expect(account.status).toBe(401);
  });

  it("sends a Content-Security-Policy header with the SPA", async () => {
    const response = await fetch(`${target.spaUrl}/`);
    await response.arrayBuffer();
    expect(cspProblems(response.headers.get("content-security-policy"))).toEqual([]);
  });

  it("loads the app in chromium: every request goes to the SPA, the gateway or Clerk; no CSP refusal", async () => {
    const dashboard = await openDashboard(browser, target, { viewport: "desktop" });
    try {
      await dashboard.page.goto(`${target.spaUrl}/`);
      await dashboard.page.waitForFunction(() => (document.getElementById("root")?.childElementCount ?? 0) > 0);
      await settled(dashboard);
      expect(dashboard.requests.length).toBeGreaterThan(1);
      expect(dashboard.requests.some((url) => url.startsWith(`${target.spaUrl}/assets/`))).toBe(true);
      expect(dashboard.unexpectedOrigins()).toEqual([]);
      expect(dashboard.cspViolations).toEqual([]);
    } finally {
      await dashboard.close();
    }
  });

  it("runs axe on the first screen (no serious or critical violation) and writes a screenshot", async () => {
    const dashboard = await openDashboard(browser, target, { viewport: "phone" });
    try {
      await dashboard.page.goto(`${target.spaUrl}/`);
      await dashboard.page.waitForFunction(() => (document.getElementById("root")?.childElementCount ?? 0) > 0);
      await settled(dashboard);
      expect(await seriousAxeViolations(dashboard.page)).toEqual([]);
      const file = await screenshot(dashboard, target, "harness-first-screen-phone");
      expect(readFileSync(file).subarray(1, 4).toString()).toBe("PNG");
    } finally {
      await dashboard.close();
    }
  });

  it("flags a third-party origin and English on a Bangla page", async () => {
    const dashboard = await openDashboard(browser, target, { viewport: "desktop" });
    try {
      await dashboard.page.setContent(
        [
          '<main lang="bn"><h1>এপিআই কী</h1><button>Save</button><p>DeepSeek V4.1 Flash · ১২ টোকেন</p>',
          '<input placeholder="Search"><p hidden>Hidden text</p><blockquote lang="en">Terms of service</blockquote>',
          '<select data-testid="language-switch"><option value="en">English</option></select>',
          '<img alt="" src="https://fonts.example.invalid/logo.png"></main>',
        ].join(""),
      );
      expect(await englishOnBanglaPage(dashboard.page)).toEqual([
        '<button>: "Save" (Save)',
        '<input>: "Search" (Search)',
      ]);
      await expect.poll(() => dashboard.unexpectedOrigins()).toEqual(["https://fonts.example.invalid"]);
    } finally {
      await dashboard.close();
    }
  });
});
