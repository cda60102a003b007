/** Calls the harness app (support/responses-native-app.ts) inside workerd, like SELF. */
import { createExecutionContext, env } from "cloudflare:test";
import OpenAI from "openai";
import { GATEWAY } from "./gateway.ts";
import { responsesNativeHarnessApp } from "./responses-native-app.ts";

/** Calls the harness. The request's `waitUntil` work (usage, slots) runs on; tests wait for its usage row. */
export function harnessFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input instanceof URL ? input.href : input, init);
  return Promise.resolve(responsesNativeHarnessApp().fetch(request, env, createExecutionContext()));
}

/** The official client on the harness; `requestIds` collects each answer's `x-request-id` (streams included). */
export function harnessOpenAI(apiKey: string, requestIds: string[] = []): OpenAI {
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await harnessFetch(input, init);
    requestIds.push(response.headers.get("x-request-id") ?? "");
    return response;
  };
  return new OpenAI({ apiKey, baseURL: `${GATEWAY}/v1`, maxRetries: 0, fetch });
}
