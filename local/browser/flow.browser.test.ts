/**
 * The dashboard's main flow in a real browser, at desktop width in English and at phone width in Bangla (chosen with
 * the language switch): sign in (local sign-in), confirm the age, create two keys (the secret shown once), call
 * `/v1/chat/completions` with one through the official openai client, find that request in Usage and in the
 * Overview chart, export the account (the file holds the request id), change the profile's name, turn the prompt
 * cache off, revoke the key (the API refuses it), delete the account (the API refuses the other key too).
 */
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import OpenAI from "openai";
import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { TEST_ACCOUNT, dashboardGet, resetAccount, runCron } from "./account.ts";
import {
  chooseLanguage,
  englishOnBanglaPage,
  launchChromium,
  navigate,
  openDashboard,
  screenshot,
  settled,
  signIn,
  type DashboardPage,
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

/** `OMNIZEN_UPDATE_SCREENSHOTS=1`: copies the README's screenshots from this run to docs/screenshots/. */
const README_SCREENSHOTS: Record<string, string> = {
  "flow-desktop-en-overview": "overview-desktop-en.png",
  "flow-desktop-en-usage": "usage-desktop-en.png",
  "flow-phone-bn-keys": "keys-phone-bn.png",
};

const testId = (page: Page, id: string) => page.getByTestId(id).first();

/**
 * What scrolls sideways among the page and the tables of requests (the scrolling regions that hold a
 * `[data-request-id]` row): their accessible names, or "page". Empty when everything fits the width.
 */
async function sidewaysScrollers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const wider = (element: Element) => element.scrollWidth > element.clientWidth + 1;
    const regions = Array.from(document.querySelectorAll('[role="region"]')).filter((region) =>
      region.querySelector("[data-request-id]"),
    );
    return [
      ...(wider(document.documentElement) ? ["page"] : []),
      ...regions.filter(wider).map((region) => region.getAttribute("aria-label") ?? "region"),
    ];
  });
}

/** Follows a navigation link when it shows (desktop), else navigates in the app (the phone's menu is closed). */
async function goTo(dashboard: DashboardPage, navId: string | null, path: string): Promise<void> {
  const link = navId ? testId(dashboard.page, navId) : null;
  if (link && (await link.isVisible())) await link.click();
  else await navigate(dashboard.page, path);
  await dashboard.page.waitForURL((url) => url.pathname === path);
  await settled(dashboard);
}

/** Reloads the page (fresh data, past the query cache), signing in again if the session did not survive. */
async function reload(dashboard: DashboardPage): Promise<void> {
  await dashboard.page.reload();
  await signIn(dashboard.page);
  await settled(dashboard);
}

async function clickConfirmIfAsked(page: Page): Promise<void> {
  const confirm = testId(page, "confirm-dialog-confirm");
  try {
    await confirm.waitFor({ state: "visible", timeout: 1_500 });
  } catch {
    return;
  }
  await confirm.click();
}

async function usageRowStored(requestId: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  try {
    const rows = await client.query("SELECT 1 FROM usage_events WHERE request_id = $1", [requestId]);
    return rows.rowCount === 1;
  } finally {
    await client.end();
  }
}

/** The status of one chat completion (200, or the API error's). */
function chatStatus(client: OpenAI): Promise<number> {
  return client.chat.completions
    .create({ model: "deepseek/deepseek-flash", messages: [{ role: "user", content: "browser flow" }] })
    .then(
      () => 200,
      (error: { status?: number }) => error.status ?? 0,
    );
}

/** The model alias the flow gives its first key (Claude Code's picker keeps `claude*` ids). */
const FLOW_ALIAS = "claude-flow";

const FLOWS: Array<{
  viewport: ViewportName;
  language: Language;
  keyNames: [string, string];
  newName: string;
}> = [
  { viewport: "desktop", language: "en", keyNames: ["laptop", "server"], newName: "Ada Lovelace" },
  { viewport: "phone", language: "bn", keyNames: ["ল্যাপটপ", "সার্ভার"], newName: "রাবেয়া খাতুন" },
];

describe("the dashboard flow", () => {
  for (const flow of FLOWS) {
    it(`${flow.viewport}, ${flow.language}: keys, a request in Usage and Overview, export, profile, cache, revoke, delete`, async () => {
      await resetAccount(target);
      const dashboard = await openDashboard(browser, target, { viewport: flow.viewport });
      const { page } = dashboard;
      const prefix = `flow-${flow.viewport}-${flow.language}`;
      const shot = (name: string) => screenshot(dashboard, target, `${prefix}-${name}`);
      const bangla: string[] = [];
      const checkBangla = async (where: string) => {
        if (flow.language !== "bn") return;
        const userValues = [TEST_ACCOUNT.name, flow.newName, ...flow.keyNames, FLOW_ALIAS];
        for (const english of await englishOnBanglaPage(page, { userValues })) bangla.push(`${where}: ${english}`);
      };
      try {
        // Sign in, confirm the age, choose the language.
        await page.goto(`${target.spaUrl}/`);
        let sawAgeGate = false;
        await signIn(page, { onAgeGate: async () => void (sawAgeGate = true) });
        expect(sawAgeGate, "a new account meets the age gate").toBe(true);
        await chooseLanguage(page, flow.language);
        await settled(dashboard);

        // Two keys; the secret is shown once. The second gets a spend limit of 5 USD a day.
        await goTo(dashboard, "nav-keys", "/keys");
        const secrets: string[] = [];
        for (const name of flow.keyNames) {
          await testId(page, "key-create-open").click();
          await testId(page, "key-name-input").fill(name);
          if (name === flow.keyNames[0]) {
            // A model alias, as Claude Code's picker needs (claude-* ids): chosen from the catalog in the form.
            await testId(page, "key-alias-add").click();
            await testId(page, "key-alias-id").fill(FLOW_ALIAS);
            await testId(page, "key-alias-target").selectOption("deepseek/deepseek-flash");
          }
          if (name === flow.keyNames[1]) {
            await testId(page, "key-spend-amount").fill("5");
            await testId(page, "key-spend-period").selectOption("daily");
          }
          await checkBangla("key dialog");
          await testId(page, "key-create-submit").click();
          const secret = (await testId(page, "key-secret").textContent())?.trim() ?? "";
          expect(secret).toMatch(/^sk-omni-[A-Za-z0-9]{40}$/);
          await checkBangla("key secret dialog");
          secrets.push(secret);
          await testId(page, "key-secret-done").click();
        }
        await expect.poll(() => page.getByTestId("key-row").count()).toBeGreaterThanOrEqual(2);
        // Newest first: the limited key is the first row; its limit is shown in the list.
        expect(await page.getByTestId("key-spend").first().textContent()).toMatch(/[5৫]\.[0০][0০]/);
        // The first key's alias is listed under its name.
        expect(await page.getByTestId("key-aliases").first().textContent()).toContain(
          `${FLOW_ALIAS} → deepseek/deepseek-flash`,
        );
        await settled(dashboard);
        await shot("keys");
        const [usedKey, keptKey] = secrets as [string, string];

        // One request through the official openai client, with the new key, straight to the gateway.
        const client = (apiKey: string) =>
          new OpenAI({ apiKey, baseURL: `${target.gatewayUrl}/v1`, maxRetries: 0, timeout: 20_000 });
        // The request names the key's alias: answered by the catalog model it stands for, under the alias.
        const { data: completion, response } = await client(usedKey)
          .chat.completions.create({
            model: FLOW_ALIAS,
            messages: [{ role: "user", content: "browser flow" }],
          })
          .withResponse();
        expect(completion.usage?.total_tokens).toBeGreaterThan(0);
        expect(completion.model).toBe(FLOW_ALIAS);
        const requestId = response.headers.get("x-request-id") ?? "";
        expect(requestId).not.toBe("");
        await expect
          .poll(async () => (await runCron(target.gatewayUrl), usageRowStored(requestId)), {
            timeout: 20_000,
            interval: 500,
          })
          .toBe(true);

        // The request in Usage, and in the Overview chart.
        await goTo(dashboard, "nav-usage", "/usage");
        await reload(dashboard);
        await page
          .locator(`[data-testid="usage-row"][data-request-id="${requestId}"]`)
          .first()
          .waitFor({ state: "visible", timeout: 10_000 });
        expect(await page.locator(`[data-testid="usage-row"][data-request-id="${requestId}"]`).count()).toBe(1);
        // On a phone the requests are cards: nothing scrolls sideways (a wide screen may scroll the wide table).
        if (flow.viewport === "phone") expect(await sidewaysScrollers(page), "the requests fit").toEqual([]);
        await shot("usage");
        await checkBangla("usage");
        await goTo(dashboard, "nav-overview", "/");
        await reload(dashboard);
        const chart = testId(page, "overview-chart");
        await chart.waitFor({ state: "visible", timeout: 10_000 });
        await expect
          .poll(() =>
            chart
              .locator(".recharts-bar-rectangle, .recharts-area-area, .recharts-line-curve, .recharts-sector")
              .count(),
          )
          .toBeGreaterThan(0);
        const recent = page.locator(`[data-request-id="${requestId}"]`);
        await recent.first().waitFor({ state: "visible", timeout: 10_000 });
        expect(await recent.count()).toBe(1);
        if (flow.viewport === "phone") expect(await sidewaysScrollers(page), "the recent requests fit").toEqual([]);
        await shot("overview");

        // Export: the downloaded file holds the request.
        await goTo(dashboard, null, "/settings/danger");
        const [download] = await Promise.all([
          page.waitForEvent("download", { timeout: 20_000 }),
          testId(page, "export-button").click(),
        ]);
        const exported = readFileSync(await download.path(), "utf8");
        expect(exported).toContain(requestId);
        expect(exported).not.toContain("browser flow");

        // The profile's name.
        await goTo(dashboard, "nav-settings", "/settings/profile");
        await testId(page, "profile-name-input").fill(flow.newName);
        await testId(page, "profile-save").click();
        await testId(page, "profile-saved").waitFor({ state: "visible", timeout: 10_000 });
        await checkBangla("profile saved");
        expect((await dashboardGet<{ name: string }>(target.gatewayUrl, "/api/account")).body.name).toBe(flow.newName);

        // The prompt cache off.
        await goTo(dashboard, null, "/settings/privacy");
        const cacheToggle = testId(page, "prompt-cache-toggle");
        expect(await cacheToggle.isChecked()).toBe(true);
        // A styled switch may hide the checkbox itself: then the click goes to it directly.
        if (await cacheToggle.isVisible()) await cacheToggle.click();
        else await cacheToggle.dispatchEvent("click");
        await clickConfirmIfAsked(page);
        await expect
          .poll(
            async () =>
              (await dashboardGet<{ promptCacheEnabled: boolean }>(target.gatewayUrl, "/api/account")).body
                .promptCacheEnabled,
            { timeout: 10_000 },
          )
          .toBe(false);
        await settled(dashboard);
        await shot("settings-privacy");
        await checkBangla("privacy");

        // Revoke the key that made the request: the API refuses it.
        await goTo(dashboard, "nav-keys", "/keys");
        const usedRow = page.getByTestId("key-row").filter({ hasText: flow.keyNames[0] }).first();
        await usedRow.getByTestId("key-revoke").click();
        await checkBangla("revoke dialog");
        await testId(page, "confirm-dialog-confirm").click();
        await expect.poll(() => chatStatus(client(usedKey)), { timeout: 10_000 }).toBe(401);

        // Delete the account: the other key is refused too.
        await goTo(dashboard, null, "/settings/danger");
        await testId(page, "delete-open").click();
        await testId(page, "delete-confirm-input").fill(TEST_ACCOUNT.email);
        await checkBangla("delete dialog");
        await testId(page, "delete-submit").click();
        await clickConfirmIfAsked(page);
        await expect.poll(() => chatStatus(client(keptKey)), { timeout: 10_000 }).toBe(401);

        expect(dashboard.unexpectedOrigins()).toEqual([]);
        expect(dashboard.cspViolations).toEqual([]);
        expect(bangla).toEqual([]);
        if (process.env.OMNIZEN_UPDATE_SCREENSHOTS === "1") {
          const docs = new URL("../../docs/screenshots/", import.meta.url);
          mkdirSync(docs, { recursive: true });
          for (const [artifact, committed] of Object.entries(README_SCREENSHOTS))
            if (artifact.startsWith(prefix))
              copyFileSync(`${target.artifactsDir}/${artifact}.png`, new URL(committed, docs));
        }
      } finally {
        await dashboard.close();
      }
    });
  }
});
