/**
 * TEST-ONLY worker entry: the gateway (worker/src/index.ts) plus the Responses harness route
 * (responses-native-app.ts), bundled into workerd by the Codex end-to-end test (local/codex.e2e.test.ts).
 */
import { runScheduled } from "../../src/cron/scheduled.ts";
import { responsesNativeHarnessApp } from "./responses-native-app.ts";

const app = responsesNativeHarnessApp();

export default {
  fetch: app.fetch,
  scheduled(controller, env, context) {
    context.waitUntil(runScheduled(env, new Date(controller.scheduledTime), controller.cron));
  },
} satisfies ExportedHandler<Record<string, unknown>>;
