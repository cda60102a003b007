/**
 * The dashboard by keyboard alone (desktop, English): Tab reaches the navigation, the language switch and each
 * page's primary actions; a dialog keeps the focus inside while open (Tab and Shift+Tab) and gives it back to the
 * button that opened it when closed with Escape.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { resetAccount } from "./account.ts";
import { launchChromium, navigate, openDashboard, settled, signIn, type DashboardPage } from "./session.ts";

const target = inject("browserStack");
let browser: Browser;
let dashboard: DashboardPage;

beforeAll(async () => {
  browser = await launchChromium();
  await resetAccount(target);
  dashboard = await openDashboard(browser, target, { viewport: "desktop", language: "en" });
  await dashboard.page.goto(`${target.spaUrl}/`);
  await signIn(dashboard.page);
});
afterAll(async () => {
  await dashboard?.close();
  await browser?.close();
});

/** The test id of the focused element (or of its nearest marked ancestor), "" for none. */
const focusedTestId = (page: Page) =>
  page.evaluate(() => document.activeElement?.closest("[data-testid]")?.getAttribute("data-testid") ?? "");

/** Presses Tab from the top of the page until every one of `wanted` had the focus; returns those that never did. */
async function tabThrough(page: Page, wanted: readonly string[], maxPresses = 80): Promise<string[]> {
  await page.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute("tabindex");
  });
  const missing = new Set(wanted);
  for (let press = 0; press < maxPresses && missing.size > 0; press += 1) {
    await page.keyboard.press("Tab");
    missing.delete(await focusedTestId(page));
  }
  return [...missing];
}

const openDialog = (page: Page) => page.locator("[role='dialog']:visible, [role='alertdialog']:visible, dialog[open]");

describe("keyboard", () => {
  it("Tab reaches the navigation, the language switch and sign-out", async () => {
    await navigate(dashboard.page, "/");
    await settled(dashboard);
    const nav = ["nav-overview", "nav-keys", "nav-usage", "nav-models", "nav-billing", "nav-settings"];
    expect(await tabThrough(dashboard.page, [...nav, "language-switch", "sign-out"])).toEqual([]);
  });

  it("Tab reaches each page's primary actions", async () => {
    const primary: Array<[string, string[]]> = [
      ["/keys", ["key-create-open"]],
      ["/usage", ["usage-filter-model", "usage-csv"]],
      ["/billing", ["auto-topup-enabled", "auto-topup-threshold", "auto-topup-save"]],
      ["/settings/profile", ["profile-name-input"]],
      ["/settings/privacy", ["prompt-cache-toggle"]],
      ["/settings/danger", ["export-button", "delete-open"]],
    ];
    const unreachable: string[] = [];
    for (const [path, ids] of primary) {
      await navigate(dashboard.page, path);
      await settled(dashboard);
      for (const id of await tabThrough(dashboard.page, ids)) unreachable.push(`${path}: ${id}`);
    }
    expect(unreachable).toEqual([]);
  });

  it("a dialog traps the focus and gives it back to its opener", async () => {
    const page = dashboard.page;
    await navigate(page, "/keys");
    await settled(dashboard);
    expect(await tabThrough(page, ["key-create-open"])).toEqual([]);
    await page.keyboard.press("Enter");
    const dialog = openDialog(page).first();
    await dialog.waitFor({ state: "visible", timeout: 5_000 });
    // In the dialog; or, for a native modal <dialog> (the page behind is inert), passing through the browser's own
    // controls between its last and first element, where the page has no focused element.
    const focusInDialog = () =>
      page.evaluate(() => {
        const open = document.querySelector("dialog[open], [role='dialog'], [role='alertdialog']");
        if (open === null) return false;
        if (open.contains(document.activeElement)) return true;
        const active = document.activeElement;
        return open.matches("dialog:modal") && (active === null || active === document.body);
      });
    await expect.poll(focusInDialog, { timeout: 2_000 }).toBe(true);
    for (let press = 0; press < 12; press += 1) {
      await page.keyboard.press("Tab");
      expect(await focusInDialog(), `Tab #${press + 1} left the dialog`).toBe(true);
    }
    for (let press = 0; press < 12; press += 1) {
      await page.keyboard.press("Shift+Tab");
      expect(await focusInDialog(), `Shift+Tab #${press + 1} left the dialog`).toBe(true);
    }
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden", timeout: 5_000 });
    await expect.poll(() => focusedTestId(page), { timeout: 2_000 }).toBe("key-create-open");
  });
});
