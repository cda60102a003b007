/**
 * The soak's requests for `--target=floor`: the same arrival pattern as the gateway's mix (../load/request-mix.ts),
 * sent to the same-I/O floor worker (../bench/io-floor-worker.js) on the same workerd build. The floor forwards the
 * body as-is to the simulator's DeepSeek endpoint, so the body is DeepSeek's shape: the same prompts (unique except
 * one in ten), half of them streamed, with the same simulator directives. No API key: the floor has no auth.
 */
import type { PreparedRequest } from "../bench/http-client.ts";

/** The simulator's name of the model (the gateway's `deepseek/deepseek-flash`). */
const FLOOR_MODEL = "deepseek-flash";

export function floorRequest(
  floorUrl: string,
  runTag: string,
  index: number,
  simulatorDirectives = "chunks=4",
): PreparedRequest {
  const stream = index % 2 === 1;
  const prompt =
    index % 10 === 0
      ? `A question asked often. [[sim ${simulatorDirectives}]]`
      : `Load ${runTag} #${index} [[sim ${simulatorDirectives}]]`;
  const body = {
    model: FLOOR_MODEL,
    stream,
    messages: [{ role: "user", content: prompt }],
    ...(stream ? { stream_options: { include_usage: true } } : {}),
  };
  return { url: new URL("/", floorUrl), headers: {}, body: Buffer.from(JSON.stringify(body)) };
}
