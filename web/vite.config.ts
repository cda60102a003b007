import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv, type Plugin, type ProxyOptions } from "vite";
import { headersFile, securityHeaders, type CspOptions } from "./src/config/csp.ts";

// The dashboard SPA. Run from the repo root: `npx vite web` (dev) and `npx vite build web` (build).
// In dev, /api/* (dashboard API) and /v1/* (public gateway API) are proxied to the local worker so the SPA
// can call them same-origin; set OMNIZEN_GATEWAY_URL to point somewhere else.
const gatewayUrl = process.env.OMNIZEN_GATEWAY_URL ?? "http://127.0.0.1:8787";
// With VITE_CLERK_PROXY_URL set to a path, that path is Clerk's Frontend API proxy. A deployment forwards it to Clerk
// (https://clerk.com/docs/guides/dashboard/dns-domains/proxy-fapi); here the dev and preview servers forward it to
// OMNIZEN_CLERK_FAPI_URL (the browser tests' fake Frontend API, local/clerk-fake) the same way, when that is set.
const clerkFapiUrl = process.env.OMNIZEN_CLERK_FAPI_URL;
const clerkProxySecretKey = process.env.OMNIZEN_CLERK_PROXY_SECRET_KEY ?? "";
const webRoot = fileURLToPath(new URL(".", import.meta.url));
const DEV_PORT = 5173;

/**
 * The Frontend API proxy as Clerk specifies it: the path after the proxy prefix goes to the Frontend API, with the
 * proxy's public URL (`Clerk-Proxy-Url`), the instance's secret key (`Clerk-Secret-Key`) and the client's address.
 */
function clerkProxy(proxyPath: string): Record<string, ProxyOptions> {
  if (!clerkFapiUrl || !proxyPath.startsWith("/")) return {};
  return {
    [`${proxyPath}/`]: {
      target: clerkFapiUrl,
      changeOrigin: true,
      rewrite: (path) => path.slice(proxyPath.length),
      configure: (proxy) => {
        proxy.on("proxyReq", (proxyRequest, request) => {
          const host = request.headers.host ?? "";
          proxyRequest.setHeader("Clerk-Proxy-Url", `http://${host}${proxyPath}`);
          proxyRequest.setHeader("Clerk-Secret-Key", clerkProxySecretKey);
          proxyRequest.setHeader("X-Forwarded-For", request.socket.remoteAddress ?? "");
        });
      },
    },
  };
}

/** Writes the build's `_headers` for the configured API and Clerk origins (web/public/_headers is the default). */
function headersForBuild(options: CspOptions): Plugin {
  let outDir = "";
  return {
    name: "omnizen-security-headers",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      writeFileSync(join(outDir, "_headers"), headersFile(options));
    },
  };
}

export default defineConfig(({ mode }) => {
  const viteEnv = loadEnv(mode, webRoot, "VITE_");
  const csp: CspOptions = {
    apiUrl: (viteEnv.VITE_API_URL ?? "").trim(),
    clerkPublishableKey: (viteEnv.VITE_CLERK_PUBLISHABLE_KEY ?? "").trim(),
    clerkProxyUrl: (viteEnv.VITE_CLERK_PROXY_URL ?? "").trim().replace(/\/+$/, ""),
  };
  const proxy = {
    "/api/": { target: gatewayUrl, changeOrigin: true },
    "/v1/": { target: gatewayUrl, changeOrigin: true },
    ...clerkProxy(csp.clerkProxyUrl ?? ""),
  };
  return {
    root: webRoot,
    plugins: [react(), headersForBuild(csp)],
    server: {
      host: "127.0.0.1",
      port: DEV_PORT,
      strictPort: true,
      // The dev server needs an inline script (React Refresh), inline styles (CSS modules in dev) and its HMR
      // WebSocket; see CspOptions.dev. The build and the preview server get the strict policy.
      headers: securityHeaders({ ...csp, dev: true }),
      proxy,
    },
    preview: {
      host: "127.0.0.1",
      port: 4173,
      strictPort: true,
      headers: securityHeaders(csp),
      proxy,
    },
    build: {
      outDir: fileURLToPath(new URL("./dist", import.meta.url)),
      emptyOutDir: true,
    },
  };
});
