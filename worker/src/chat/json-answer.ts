/**
 * The answer to a non-streamed request: the upstream's JSON, translated, or as received on a native route (read in
 * its own dialect by the native forward, with the cost added to its usage).
 */
import { GatewayError } from "../errors.ts";
import { costUsdText } from "../lib/cost.ts";
import { estimateUsage, generatedCharacters, reasoningCharacters } from "../lib/estimate-usage.ts";
import { finishReasonOf, normalizeFinishReason } from "../lib/finish-reason.ts";
import { jsonEntry } from "../services/prompt-cache/cache-entry.ts";
import type { ChatRun } from "./chat-scope.ts";
import type { ChosenRoute } from "./route-trial.ts";

export async function answerJson(run: ChatRun, chosen: ChosenRoute): Promise<Response> {
  const { candidate, chat, response, abort, isNative } = chosen;
  const provider = candidate.route.provider;
  const { cache, finisher } = run;
  const json: unknown = await response.json().catch(() => null);
  if (abort.signal.reason instanceof GatewayError) {
    // The body stalled past the upstream timeout (upstream-idle-guard.ts).
    const error = abort.signal.reason;
    const usage = estimateUsage(0, 0);
    finisher.finish({
      provider,
      usage,
      costMicroUsd: 0,
      status: "error",
      httpStatus: error.status,
      firstTokenAt: null,
    });
    throw error;
  }
  const native = isNative ? run.native : undefined;
  if (native) {
    const read = native.readJson(json, chat, candidate.adapter);
    const billed =
      read.usage ?? estimateUsage(run.promptCharacters(), read.generatedCharacters, read.reasoningCharacters);
    const entry =
      cache.key && read.usage && read.cacheable
        ? { key: cache.key, entry: jsonEntry(read.cacheable, read.usage) }
        : undefined;
    const cost = run.costOf(billed);
    finisher.finish(
      {
        provider,
        usage: billed,
        costMicroUsd: cost.microUsd,
        status: "ok",
        httpStatus: 200,
        firstTokenAt: null,
        finishReason: normalizeFinishReason(read.finishReason),
      },
      entry,
    );
    return Response.json(native.renderJson(json, run.answerModelId, cost), {
      headers: { ...run.headers, "x-omnizen-cost": costUsdText(cost) },
    });
  }
  const { body, usage } = candidate.adapter.parseChatResponse(json, chat);
  const billed =
    usage ??
    estimateUsage(run.promptCharacters(), generatedCharacters(body.choices), reasoningCharacters(body.choices));
  const entry = cache.key && usage ? { key: cache.key, entry: jsonEntry(body, usage) } : undefined;
  const cost = run.costOf(billed);
  finisher.finish(
    {
      provider,
      usage: billed,
      costMicroUsd: cost.microUsd,
      status: "ok",
      httpStatus: 200,
      firstTokenAt: null,
      finishReason: finishReasonOf(body.choices),
    },
    entry,
  );
  const rendered = run.surface.renderJson(body, billed, cost);
  // The header is the body's `usage.cost` (docs/api.md, "Cost"); a stream carries it only in its final event.
  return Response.json(rendered, { headers: { ...run.headers, "x-omnizen-cost": costUsdText(cost) } });
}
