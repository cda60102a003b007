/**
 * The dashboard in Clerk mode (the SPA built with a publishable key and the Frontend API proxy `/__clerk`;
 * harness.ts): the real clerk-js and @clerk/ui, loaded through the proxy from the fake Clerk (local/clerk-fake), render
 * Clerk's own sign-in form; the user signs in with email and password, confirms the age, sees the account's balance
 * (the API accepted the session token `getToken()` gave), creates a key; with a first factor verified too long ago
 * (a stale `fva`) creates another, which the API refuses with 403 `reverification_required`, Clerk's verification
 * modal asks for the password, and the retried call passes; signs out, and nothing of the account is shown any more.
 * The page contacts its own origin (the SPA, and Clerk through the proxy) and the gateway only.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { TEST_ACCOUNT, resetAccount } from "./account.ts";
import { CLERK_FRONTEND_API_HOST, CLERK_PROXY_PATH } from "./harness.ts";
import { cspProblems, networkOrigin } from "./origins.ts";
import { firstScreen, launchChromium, navigate, openDashboard, screenshot, settled } from "./session.ts";

const stack = inject("browserStack");
const target = { spaUrl: stack.clerkSpaUrl, gatewayUrl: stack.gatewayUrl, artifactsDir: stack.artifactsDir };
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const testId = (page: Page, id: string) => page.getByTestId(id).first();

/** The claims of a compact JWS, unverified (the gateway verifies; the test only reads who issued it). */
function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}

/** Creates a key on the Keys page and returns its secret, as shown once. */
async function createKey(page: Page, name: string, beforeSecret?: () => Promise<void>): Promise<string> {
  await testId(page, "key-create-open").click();
  await testId(page, "key-name-input").fill(name);
  await testId(page, "key-create-submit").click();
  await beforeSecret?.();
  const secret = (await testId(page, "key-secret").textContent({ timeout: 15_000 }))?.trim() ?? "";
  await testId(page, "key-secret-done").click();
  await expect.poll(() => page.getByTestId("key-row").filter({ hasText: name }).count()).toBe(1);
  return secret;
}

/** Clerk's sign-in card (rendered by @clerk/ui): email, then password. */
async function signInWithClerk(page: Page): Promise<void> {
  const email = page.locator(".cl-signIn-root").getByLabel("Email address");
  await email.waitFor({ state: "visible", timeout: 15_000 });
  await email.fill(TEST_ACCOUNT.email);
  await page.locator(".cl-formButtonPrimary").click();
  const password = page.locator(".cl-signIn-root input[type=password]");
  await password.waitFor({ state: "visible", timeout: 10_000 });
  await password.fill(TEST_ACCOUNT.password);
  await page.locator(".cl-formButtonPrimary").click();
}

describe("Clerk mode", () => {
  it("serves a strict Content-Security-Policy: behind the same-origin proxy, scripts and calls go to 'self' only", async () => {
    const response = await fetch(`${target.spaUrl}/`);
    await response.arrayBuffer();
    const policy = response.headers.get("content-security-policy");
    expect(cspProblems(policy)).toEqual([]);
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("connect-src 'self';");
    expect(policy).not.toContain(CLERK_FRONTEND_API_HOST);
  });

  it("signs in with Clerk's own form, calls the API with Clerk's token, signs out and forgets the account", async () => {
    await resetAccount(stack);
    const dashboard = await openDashboard(browser, target, { viewport: "desktop" });
    const { page } = dashboard;
    const apiTokens: string[] = [];
    page.on("request", (request) => {
      const authorization = request.headers().authorization;
      if (new URL(request.url()).pathname.startsWith("/api/") && authorization?.startsWith("Bearer "))
        apiTokens.push(authorization.slice("Bearer ".length));
    });
    try {
      // Signed out: /keys sends the user to sign-in, where Clerk's card (not the local sign-in) is shown.
      await page.goto(`${target.spaUrl}/keys`);
      expect(await firstScreen(page)).toBe("signed-out");
      await page.locator(".cl-signIn-root").waitFor({ state: "visible", timeout: 15_000 });
      expect(await page.getByTestId("dev-sign-in").count()).toBe(0);
      const scripts = dashboard.requests.filter((url) => url.includes(`${CLERK_PROXY_PATH}/npm/@clerk/`));
      expect(scripts.some((url) => url.includes("/clerk-js@") && url.endsWith("/clerk.browser.js"))).toBe(true);
      expect(scripts.some((url) => url.includes("/ui@") && url.endsWith("/ui.browser.js"))).toBe(true);
      await screenshot(dashboard, target, "clerk-sign-in");

      await signInWithClerk(page);
      await testId(page, "age-confirm").waitFor({ state: "visible", timeout: 15_000 });
      await testId(page, "age-confirm").click();
      await testId(page, "nav-overview").waitFor({ state: "visible", timeout: 15_000 });
      expect(new URL(page.url()).pathname, "back on the page that asked for sign-in").toBe("/keys");

      await testId(page, "nav-overview").click();
      await expect.poll(async () => testId(page, "overview-balance").textContent()).toContain("10.00");
      const claims = apiTokens.map(claimsOf);
      expect(claims.length).toBeGreaterThan(0);
      for (const claim of claims) {
        expect(claim).toMatchObject({
          iss: `https://${CLERK_FRONTEND_API_HOST}`,
          sub: TEST_ACCOUNT.clerkUserId,
          azp: target.spaUrl,
        });
        expect(claim.sid).toMatch(/^sess_/);
      }

      await navigate(page, "/keys");
      expect(await createKey(page, "clerk laptop")).toMatch(/^sk-omni-[A-Za-z0-9]{40}$/);

      // A first factor verified 30 minutes ago: the reloaded page's token says so (fva), the API refuses the key
      // (403 with Clerk's hint), Clerk's modal asks for the password, and the same call is retried and passes.
      const aged = await fetch(`${stack.clerkFakeUrl}/_fake/sessions/age?minutes=30`, { method: "POST" });
      expect(aged.status).toBe(204);
      await page.reload();
      await testId(page, "key-create-open").waitFor({ state: "visible", timeout: 15_000 });
      const refusals: number[] = [];
      page.on("response", (response) => {
        if (response.request().method() === "POST" && new URL(response.url()).pathname === "/api/keys")
          refusals.push(response.status());
      });
      const secret = await createKey(page, "clerk server", async () => {
        const password = page.locator(".cl-modalContent input[type=password]");
        await password.waitFor({ state: "visible", timeout: 15_000 });
        await screenshot(dashboard, target, "clerk-reverification");
        await password.fill(TEST_ACCOUNT.password);
        await page.locator(".cl-modalContent .cl-formButtonPrimary").click();
      });
      expect(secret).toMatch(/^sk-omni-[A-Za-z0-9]{40}$/);
      expect(refusals).toEqual([403, 201]);
      expect(await page.getByTestId("confirm-dialog-confirm").count(), "no second prompt of our own").toBe(0);
      await settled(dashboard);

      // Sign out: Clerk ends the session; going back to /keys (in the app, then by reloading) shows sign-in only.
      await testId(page, "sign-out").click();
      await testId(page, "signed-out").waitFor({ state: "visible", timeout: 15_000 });
      await navigate(page, "/keys");
      await testId(page, "signed-out").waitFor({ state: "visible", timeout: 10_000 });
      expect(await page.getByText("clerk laptop").count()).toBe(0);
      expect(await page.getByTestId("key-row").count()).toBe(0);
      await page.goto(`${target.spaUrl}/keys`);
      expect(await firstScreen(page)).toBe("signed-out");
      await page.locator(".cl-signIn-root").waitFor({ state: "visible", timeout: 15_000 });
      expect(await page.getByTestId("overview-balance").count()).toBe(0);

      const origins = new Set(dashboard.requests.map(networkOrigin).filter((origin) => origin !== null));
      expect([...origins].filter((origin) => origin !== target.spaUrl && origin !== target.gatewayUrl)).toEqual([]);
      expect(dashboard.cspViolations).toEqual([]);
    } catch (error) {
      await screenshot(dashboard, target, "clerk-failure");
      throw error;
    } finally {
      await dashboard.close();
    }
  });
});
