/** The answer to a non-streamed request: the upstream's JSON, translated (or as received on a native route). */
import { GatewayError } from "../errors.ts";
import { estimateUsage, generatedCharacters, reasoningCharacters } from "../lib/estimate-usage.ts";
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
  const { body, usage } = candidate.adapter.parseChatResponse(json, chat);
  const billed =
    usage ??
    estimateUsage(run.promptCharacters(), generatedCharacters(body.choices), reasoningCharacters(body.choices));
  const entry = cache.key && usage ? { key: cache.key, entry: jsonEntry(body, usage) } : undefined;
  finisher.finish(
    { provider, usage: billed, costMicroUsd: run.cost(billed), status: "ok", httpStatus: 200, firstTokenAt: null },
    entry,
  );
  const rendered =
    isNative && run.native
      ? run.native.renderJson(json, run.answerModelId)
      : run.surface.renderJson(body, billed, run.costOf(billed));
  return Response.json(rendered, { headers: run.headers });
}
