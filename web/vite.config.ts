import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv, type Plugin } from "vite";
import { headersFile, securityHeaders, type CspOptions } from "./src/config/csp.ts";

// The dashboard SPA. Run from the repo root: `npx vite web` (dev) and `npx vite build web` (build).
// In dev, /api/* (dashboard API) and /v1/* (public gateway API) are proxied to the local worker so the SPA
// can call them same-origin; set OMNIZEN_GATEWAY_URL to point somewhere else.
const gatewayUrl = process.env.OMNIZEN_GATEWAY_URL ?? "http://127.0.0.1:8787";
const webRoot = fileURLToPath(new URL(".", import.meta.url));
const DEV_PORT = 5173;

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
      proxy: {
        "/api/": { target: gatewayUrl, changeOrigin: true },
        "/v1/": { target: gatewayUrl, changeOrigin: true },
      },
    },
    preview: {
      host: "127.0.0.1",
      port: 4173,
      strictPort: true,
      headers: securityHeaders(csp),
    },
    build: {
      outDir: fileURLToPath(new URL("./dist", import.meta.url)),
      emptyOutDir: true,
    },
  };
});
