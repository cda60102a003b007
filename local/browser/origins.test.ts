import { describe, expect, it } from "vitest";
import { cspProblems, isClerkOrigin, networkOrigin, unexpectedOrigins } from "./origins.ts";

const allowed = ["http://127.0.0.1:4000", "http://127.0.0.1:8000"];

describe("request origins of the dashboard", () => {
  it("allows the SPA, the gateway and Clerk's hosts over https", () => {
    expect(
      unexpectedOrigins(
        [
          "http://127.0.0.1:4000/assets/index.js",
          "http://127.0.0.1:8000/api/account",
          "https://happy-cat-12.clerk.accounts.dev/v1/client",
          "https://img.clerk.com/avatar.png",
          "data:image/png;base64,AAAA",
          "blob:http://127.0.0.1:4000/5b1c",
        ],
        allowed,
      ),
    ).toEqual([]);
  });

  it("reports any other origin once, including look-alikes and plain-http Clerk", () => {
    expect(
      unexpectedOrigins(
        [
          "https://fonts.googleapis.com/css2?family=Inter",
          "https://fonts.googleapis.com/css2?family=Noto",
          "https://clerk.accounts.dev.evil.example/x",
          "http://x.clerk.accounts.dev/v1",
          "http://localhost:4000/",
        ],
        allowed,
      ),
    ).toEqual([
      "https://fonts.googleapis.com",
      "https://clerk.accounts.dev.evil.example",
      "http://x.clerk.accounts.dev",
      "http://localhost:4000",
    ]);
  });

  it("knows what never leaves the page", () => {
    expect(networkOrigin("data:text/plain,hi")).toBeNull();
    expect(networkOrigin("about:blank")).toBeNull();
    expect(networkOrigin("wss://x.clerk.accounts.dev/socket")).toBe("wss://x.clerk.accounts.dev");
    expect(isClerkOrigin("https://notclerk.com")).toBe(false);
  });
});

describe("the SPA's Content-Security-Policy", () => {
  it("accepts a policy limited to the SPA, the gateway and Clerk", () => {
    expect(cspProblems("default-src 'self'; img-src 'self' data: https://img.clerk.com; style-src 'self'")).toEqual([]);
    expect(
      cspProblems(
        "default-src 'none'; script-src 'self' https://*.clerk.accounts.dev; connect-src 'self' https://api.omnizen.example",
      ),
    ).toEqual([]);
  });

  it("refuses none, any host, inline or evaluated scripts", () => {
    expect(cspProblems(null)).toEqual(["no Content-Security-Policy header"]);
    expect(cspProblems("img-src 'self'")).toEqual([
      "script-src (or default-src) is missing",
      "connect-src (or default-src) is missing",
    ]);
    expect(cspProblems("default-src 'self'; script-src 'self' 'unsafe-inline' https:; connect-src *")).toEqual([
      "script-src allows https:",
      "connect-src allows *",
      "script-src allows 'unsafe-inline'",
    ]);
  });
});
