/**
 * Composition root: builds the app once per isolate and exports the Workers handlers.
 */
import { createApp } from "./app.ts";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Record<string, unknown>>;
