import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The dashboard SPA. Run from the repo root: `npx vite web` (dev) and `npx vite build web` (build).
// In dev, /api/* (dashboard API) and /v1/* (public gateway API) are proxied to the local worker so the SPA
// can call them same-origin; set OMNIZEN_GATEWAY_URL to point somewhere else.
const gatewayUrl = process.env.OMNIZEN_GATEWAY_URL ?? "http://127.0.0.1:8787";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    proxy: {
      "/api/": { target: gatewayUrl, changeOrigin: true },
      "/v1/": { target: gatewayUrl, changeOrigin: true },
    },
  },
  preview: {
    host: "127.0.0.1",
    port: 4173,
    strictPort: true,
  },
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
  },
});
