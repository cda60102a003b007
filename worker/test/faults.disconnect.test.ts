/**
 * Client disconnects (docs/upstream-faults.md), table-driven over both surfaces and every adapter. The rule
 * (worker/src/chat/stream-body/usage-after-cancel.ts): mid-generation, the upstream call is aborted at once (measured
 * on the
 * simulator: its connection must close within 100 ms of the client's) and an estimate of what was generated is
 * billed; once the answer is complete and only the usage report is missing, the gateway keeps reading (at most 5 s)
 * and bills the provider's own numbers. Every case settles exactly once and leaves no concurrency slot.
 */
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { usageEvents } from "../../db/schema.ts";
import { drainUsage } from "../src/cron/drain-usage.ts";
import { seedAccount, waitForUsageRow, withDatabase } from "./support/gateway.ts";
import { nonce } from "./support/simulator.ts";
import { binding, testRedis } from "./support/stand-ins.ts";
import {
  eventually,
  FAULT_ROUTES,
  resultsTable,
  sendTo,
  simulatorRequest,
  slotsAfterSettlement,
  type FaultRoute,
} from "./support/faults.ts";
import { USAGE_WAIT_MS } from "../src/chat/stream-body/usage-after-cancel.ts";

const { chatOpenAI, chatAnthropic, chatGemini, messagesAnthropic } = FAULT_ROUTES;
/**
 * The target: the upstream connection closes within 100 ms of the client's hang-up. It is checked on the median of
 * every immediate-abort case below (one scheduling spike on a loaded 2-core machine must not fail the run); each
 * single case must stay under ABORT_CEILING_MS, which still tells an aborted upstream from one left running (a
 * running one closes seconds later, or never).
 */
const ABORT_TARGET_MS = 100;
const ABORT_CEILING_MS = 1_000;
const abortLatencies: number[] = [];

const rows = resultsTable("Client disconnects (case -> client outcome, slots left, upstream abort latency)");

/** Reads the stream until its text contains `until`, then hangs up; returns when the client hung up (epoch ms). */
async function readThenHangUp(response: Response, until: string | RegExp): Promise<number> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (typeof until === "string" ? !text.includes(until) : !until.test(text)) {
    const { done, value } = await reader.read();
    if (done) throw new Error("the stream ended before the point to hang up at");
    text += decoder.decode(value, { stream: true });
  }
  // Date.now() in workerd is the time of the last I/O (the read above), so the measured latency can only be longer.
  const hungUpAt = Date.now();
  await reader.cancel();
  return hungUpAt;
}

/** The first reasoning text: the client hangs up mid-generation, with reasoning already received. */
const REASONING = { chat: /"reasoning_content":"[^"]/, messages: /"thinking_delta","thinking":"[^"]/ } as const;

describe("mid-generation: the upstream is aborted at once, what was generated is estimated", () => {
  it.each(Object.values(FAULT_ROUTES).map((route) => [route.name, route] as const))(
    "%s",
    async (name, route: FaultRoute) => {
      const account = await seedAccount(); // one per case: a slot leaked by one case cannot fail the next
      const marker = `n${nonce()}`;
      const response = await sendTo(account.apiKey, route, `${marker} [[sim chunks=40 delay_ms=100 reasoning=8]]`, {
        stream: true,
      });
      const hungUpAt = await readThenHangUp(response, REASONING[route.surface]);
      const entry = await simulatorRequest(marker, (found) => found.client_closed_at !== null);
      const latencyMs = (entry?.client_closed_at ?? Number.NaN) - hungUpAt;
      const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
      const slots = await slotsAfterSettlement(account);
      rows.push({
        case: "hang up mid-generation (stream)",
        route: name,
        client: "cancelled",
        "slots after": slots,
        "abort ms": latencyMs,
        billed: `${row.usageSource}: ${row.promptTokens} in (upstream: ${entry?.usage?.prompt_tokens}), ${row.completionTokens} out, ${row.reasoningTokens} reasoning`,
      });
      expect(entry?.outcome).toBe("client_closed");
      abortLatencies.push(latencyMs);
      expect(latencyMs).toBeLessThanOrEqual(ABORT_CEILING_MS);
      expect(row).toMatchObject({ status: "cancelled", usageSource: "estimated" });
      expect(row.completionTokens).toBeGreaterThan(0);
      expect(row.reasoningTokens).toBeGreaterThan(0); // the reasoning text the client received is counted as such
      // Anthropic (message_start) and Gemini (partial usageMetadata) report the input before the end: it is exact.
      if (!route.model.startsWith("deepseek/")) expect(row.promptTokens).toBe(entry?.usage?.prompt_tokens);
      expect(slots).toBe(0);
    },
  );
});

describe("non-stream: a client that leaves while the upstream works aborts it", () => {
  it.each([chatOpenAI, messagesAnthropic].map((route) => [route.name, route] as const))(
    "%s",
    async (name, route: FaultRoute) => {
      const account = await seedAccount(); // one per case: a slot leaked by one case cannot fail the next
      const marker = `n${nonce()}`;
      const controller = new AbortController();
      const pending = sendTo(account.apiKey, route, `${marker} [[sim stall_ms=2500]]`, {
        stream: false,
        signal: controller.signal,
      });
      await simulatorRequest(marker, () => true);
      const hungUpAt = Date.now();
      controller.abort();
      await pending.catch(() => undefined);
      const entry = await simulatorRequest(marker, (found) => found.client_closed_at !== null, 5_000);
      const latencyMs = (entry?.client_closed_at ?? Number.NaN) - hungUpAt;
      const slots = await slotsAfterSettlement(account);
      // The client never saw a request id: find the row by account.
      const rowsOfAccount = async () =>
        withDatabase(async (db) => {
          await drainUsage(testRedis(), db);
          return db.select().from(usageEvents).where(eq(usageEvents.userId, account.userId));
        });
      await eventually(async () => (await rowsOfAccount()).length > 0);
      const [row] = await rowsOfAccount();
      rows.push({
        case: "hang up while waiting (non-stream)",
        route: name,
        client: "aborted",
        "slots after": slots,
        "abort ms": latencyMs,
        billed: `${row?.usageSource}: ${row?.promptTokens} in, ${row?.completionTokens} out`,
      });
      abortLatencies.push(latencyMs);
      expect(latencyMs).toBeLessThanOrEqual(ABORT_CEILING_MS);
      expect(slots).toBe(0);
      expect(row).toMatchObject({
        status: "cancelled",
        httpStatus: 499,
        usageSource: "estimated",
        completionTokens: 0,
      });
      expect(row?.promptTokens).toBeGreaterThan(0);
    },
  );
});

interface UsageCase {
  route: FaultRoute;
  /** Text that shows the client the answer is complete (the finish reason), before the usage report. */
  finished: string;
  /** `ok` when the usage arrives with the finish itself, so the answer was complete before the client left. */
  status: "cancelled" | "ok";
}

describe("the answer is complete, only the usage report is missing: the provider's usage is billed", () => {
  const cases: UsageCase[] = [
    { route: chatOpenAI, finished: '"finish_reason":"stop"', status: "cancelled" }, // the usage chunk follows
    // message_stop follows message_delta
    { route: chatAnthropic, finished: '"finish_reason":"stop"', status: "cancelled" },
    { route: messagesAnthropic, finished: "event: message_delta", status: "cancelled" }, // native: message_stop follows
    { route: chatGemini, finished: '"finish_reason":"stop"', status: "ok" }, // usageMetadata rides on the finish chunk
  ];
  it.each(cases.map((testCase) => [testCase.route.name, testCase] as const))(
    "%s",
    async (name, { route, finished, status }) => {
      const account = await seedAccount(); // one per case: a slot leaked by one case cannot fail the next
      const marker = `n${nonce()}`;
      const response = await sendTo(
        account.apiKey,
        route,
        `${marker} [[sim chunks=3 reasoning=6 trailer_delay_ms=400]]`,
        { stream: true },
      );
      const hungUpAt = await readThenHangUp(response, finished);
      const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
      const entry = await simulatorRequest(marker, (found) => found.outcome !== null);
      const slots = await slotsAfterSettlement(account);
      const closedMs = entry?.client_closed_at ? entry.client_closed_at - hungUpAt : "-";
      rows.push({
        case: "hang up after the finish, before the usage (stream)",
        route: name,
        client: `hung up (row: ${row.status})`,
        "slots after": slots,
        "abort ms": closedMs,
        billed: `${row.usageSource}: ${row.completionTokens} out, ${row.reasoningTokens} reasoning`,
      });
      expect(row).toMatchObject({
        status,
        usageSource: "provider",
        promptTokens: entry?.usage?.prompt_tokens,
        completionTokens: entry?.usage?.completion_tokens,
        reasoningTokens: entry?.usage?.reasoning_tokens,
      });
      expect(slots).toBe(0);
    },
  );

  // The wait is bounded by USAGE_WAIT_MS and, for a silent upstream, by the idle timeout (3 s in tests): both end it.
  it("waits a bounded time for a usage report that never comes, then aborts and bills an estimate with the reasoning", async () => {
    const account = await seedAccount(); // one per case: a slot leaked by one case cannot fail the next
    const marker = `n${nonce()}`;
    const response = await sendTo(
      account.apiKey,
      chatOpenAI,
      `${marker} [[sim chunks=3 reasoning=20 trailer_delay_ms=30000]]`,
      { stream: true },
    );
    const hungUpAt = await readThenHangUp(response, '"finish_reason":"stop"');
    const entry = await simulatorRequest(marker, (found) => found.client_closed_at !== null, USAGE_WAIT_MS + 5_000);
    const closedMs = (entry?.client_closed_at ?? Number.NaN) - hungUpAt;
    const row = await waitForUsageRow(response.headers.get("x-request-id") ?? "");
    const slots = await slotsAfterSettlement(account);
    rows.push({
      case: "hang up after the finish, usage never sent (stream)",
      route: chatOpenAI.name,
      client: "cancelled",
      "slots after": slots,
      "abort ms": closedMs,
      billed: `${row.usageSource}: ${row.completionTokens} out, ${row.reasoningTokens} reasoning`,
    });
    expect(closedMs).toBeGreaterThanOrEqual(Math.min(USAGE_WAIT_MS, Number(binding("UPSTREAM_TIMEOUT_MS"))) - 100);
    expect(closedMs).toBeLessThan(USAGE_WAIT_MS + 1_000);
    expect(row).toMatchObject({ status: "cancelled", usageSource: "estimated" });
    expect(row.reasoningTokens).toBeGreaterThan(0);
    expect(row.completionTokens).toBeGreaterThan(row.reasoningTokens);
    expect(slots).toBe(0);
  }, 20_000);
});

describe("abort latency", () => {
  it(`the median of the immediate aborts above is within ${ABORT_TARGET_MS} ms`, () => {
    expect(abortLatencies.length).toBeGreaterThanOrEqual(8);
    const sorted = [...abortLatencies].sort((left, right) => left - right);
    const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    rows.push({
      case: "median abort latency",
      route: `${sorted.length} cases`,
      client: "-",
      "slots after": "-",
      "abort ms": median,
      billed: `max ${sorted.at(-1)} ms`,
    });
    expect(median).toBeLessThanOrEqual(ABORT_TARGET_MS);
  });
});
