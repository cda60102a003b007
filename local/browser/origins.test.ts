import { describe, expect, it } from "vitest";
import { isClerkOrigin, networkOrigin, unexpectedOrigins } from "./origins.ts";

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
