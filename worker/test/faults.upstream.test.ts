/**
 * Upstream faults from the simulator (docs/upstream-faults.md), table-driven over both surfaces and every adapter
 * (OpenAI dialect, Anthropic translated and native-forwarded, Gemini): 5xx, 429, timeouts before the headers, a stall
 * after the first byte (stream) or after the headers (non-stream), malformed SSE, a connection cut mid-stream, an
 * in-stream error and a slow drip. Each case: the client's answer arrives within a bound (never a hang) and in the
 * surface's shape, and no concurrency slot is left in `omz:cc:<userId>` / `omz:cck:<keyId>` once settled.
 * Client disconnects (abort latency, usage after a cut stream) are in faults.disconnect.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { seedAccount, type SeededAccount } from "./support/gateway.ts";
import { nonce } from "./support/simulator.ts";
import {
  clientOutcome,
  FAULT_ROUTES,
  resultsTable,
  sendTo,
  slotsAfterSettlement,
  type FaultRoute,
} from "./support/faults.ts";

const { chatOpenAI, chatAnthropic, chatGemini, messagesAnthropic, messagesGemini } = FAULT_ROUTES;
const ALL: FaultRoute[] = Object.values(FAULT_ROUTES);

interface FaultCase {
  fault: string;
  directives: string;
  stream: boolean;
  routes: FaultRoute[];
  /** What the client must see, by surface. */
  expected: { chat: RegExp; messages: RegExp; native?: RegExp };
}

const TIMEOUT_ANSWER = { chat: /^504 upstream_timeout$/, messages: /^504 timeout_error$/ };
const STREAM_TIMEOUT = {
  chat: /^200 stream error event upstream_timeout$/,
  messages: /^200 stream error event timeout_error$/,
};
const STREAM_FAILED = {
  chat: /^200 stream error event upstream_error$/,
  messages: /^200 stream error event api_error$/,
};

const CASES: FaultCase[] = [
  {
    fault: "5xx",
    directives: "error=500",
    stream: false,
    routes: ALL,
    expected: { chat: /^502 upstream_error$/, messages: /^502 api_error$/ },
  },
  {
    fault: "5xx",
    directives: "error=503",
    stream: true,
    routes: ALL,
    expected: { chat: /^50[23] /, messages: /^5\d\d (api_error|overloaded_error)$/ },
  },
  {
    fault: "429",
    directives: "error=429",
    stream: false,
    routes: ALL,
    expected: { chat: /^429 upstream_rate_limited$/, messages: /^429 rate_limit_error$/ },
  },
  {
    fault: "429",
    directives: "error=429",
    stream: true,
    routes: [chatGemini, messagesAnthropic],
    expected: { chat: /^429 upstream_rate_limited$/, messages: /^429 rate_limit_error$/ },
  },
  {
    fault: "timeout before headers",
    directives: "stall_ms=8000",
    stream: false,
    routes: [chatOpenAI, messagesGemini],
    expected: TIMEOUT_ANSWER,
  },
  {
    fault: "timeout before headers",
    directives: "stall_ms=8000",
    stream: true,
    routes: [chatAnthropic, messagesAnthropic],
    expected: TIMEOUT_ANSWER,
  },
  {
    fault: "stall after the first byte",
    directives: "chunks=4 stall_after=1",
    stream: true,
    routes: ALL,
    expected: STREAM_TIMEOUT,
  },
  {
    fault: "stall after the headers",
    directives: "stall_body=1",
    stream: false,
    routes: [chatOpenAI, chatGemini, messagesAnthropic],
    expected: TIMEOUT_ANSWER,
  },
  {
    fault: "malformed SSE",
    directives: "chunks=6 delay_ms=20 malformed_after=1",
    stream: true,
    routes: ALL,
    // The native forward passes the upstream's bytes on verbatim, the malformed event included.
    expected: { ...STREAM_FAILED, native: /^200 stream malformed event forwarded$/ },
  },
  {
    fault: "cut mid-stream",
    directives: "chunks=6 disconnect_after=2",
    stream: true,
    routes: ALL,
    expected: STREAM_FAILED,
  },
  {
    fault: "cut before the answer",
    directives: "disconnect_after=0",
    stream: false,
    routes: ALL,
    expected: { chat: /^503 upstream_unavailable$/, messages: /^5\d\d (api_error|overloaded_error)$/ },
  },
  {
    fault: "in-stream error",
    directives: "chunks=4 error_after=1 error=500",
    stream: true,
    routes: ALL,
    expected: {
      chat: /^200 stream error event upstream_(error|unavailable)$/,
      messages: /^200 stream error event (api_error|overloaded_error)$/,
    },
  },
  {
    fault: "slow drip",
    directives: "chunks=2 words=4 fragment=24 drip_ms=15",
    stream: true,
    routes: ALL,
    expected: { chat: /^200 stream complete$/, messages: /^200 stream complete$/ },
  },
];

const rows = resultsTable("Upstream faults (case -> client outcome, slots left after settlement)");
let account: SeededAccount;
beforeAll(async () => {
  account = await seedAccount();
});

describe.each(CASES)("$fault ($directives, stream=$stream)", (testCase) => {
  it.each(testCase.routes.map((route) => [route.name, route] as const))(
    "%s: answers within the bound and leaks no slot",
    async (_name, route) => {
      const started = Date.now();
      const outcome = await clientOutcome(
        sendTo(account.apiKey, route, `n${nonce()} [[sim ${testCase.directives}]]`, { stream: testCase.stream }),
      );
      const elapsedMs = Date.now() - started;
      const slots = await slotsAfterSettlement(account);
      rows.push({
        case: `${testCase.fault} (${testCase.directives}${testCase.stream ? ", stream" : ""})`,
        route: route.name,
        client: outcome,
        "client ms": elapsedMs,
        "slots after": slots,
      });
      const isNative = route === messagesAnthropic;
      expect(outcome).toMatch((isNative ? testCase.expected.native : undefined) ?? testCase.expected[route.surface]);
      expect(slots).toBe(0);
    },
  );
});
