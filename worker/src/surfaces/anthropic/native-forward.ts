/**
 * Native forwarding of an Anthropic Messages request to Anthropic itself: the body as the forwarding policy left it
 * (request-fields.ts: unpriced fields refused or stripped, `service_tier: "standard_only"`) goes upstream with only
 * `model` replaced, so cache_control, thinking signatures and every other accepted field keep full fidelity; of the
 * client's `anthropic-beta` only the listed betas are forwarded (others refused). The answer comes back as Anthropic
 * sent it (only `model` becomes the catalog id).
 */
import type { ModelRoute } from "../../catalog/types.ts";
import type { UpstreamRequest, UpstreamTarget } from "../../providers/types.ts";
import { forwardedAnthropicBetas } from "./request-fields.ts";

const DEFAULT_VERSION = "2023-06-01";

export interface NativeForward {
  /** The provider whose routes take the native body. */
  provider: ModelRoute["provider"];
  buildRequest(route: ModelRoute, target: UpstreamTarget): UpstreamRequest;
  renderJson(json: unknown, modelId: string): unknown;
  /** The client's body, which also keys the prompt cache (fields the conversion drops can change the answer). */
  body: unknown;
}

export function anthropicNativeForward(body: Record<string, unknown>, clientHeaders: Headers): NativeForward {
  return {
    provider: "anthropic",
    body,
    buildRequest(route, target) {
      const headers: Record<string, string> = {
        "x-api-key": target.apiKey,
        "anthropic-version": clientHeaders.get("anthropic-version") ?? DEFAULT_VERSION,
        "content-type": "application/json",
        accept: body.stream === true ? "text/event-stream" : "application/json",
      };
      const beta = forwardedAnthropicBetas(clientHeaders.get("anthropic-beta"));
      if (beta) headers["anthropic-beta"] = beta;
      return {
        url: `${target.baseUrl.replace(/\/+$/, "")}/v1/messages`,
        headers,
        body: JSON.stringify({ ...body, model: route.upstreamModel }),
      };
    },
    renderJson(json, modelId) {
      return json && typeof json === "object" ? { ...(json as Record<string, unknown>), model: modelId } : json;
    },
  };
}
