/**
 * The benchmark's same-I/O floor: a worker that does the I/O a warm gateway request does, and nothing else. It reads
 * the body, makes one Upstash REST call (a trivial script, standing in for the admission script), forwards the body
 * to the simulator's DeepSeek endpoint, returns the answer, and after the response makes one more Upstash call in
 * `waitUntil` (standing in for the settlement). No authentication, limits, cache, translation or accounting: what it
 * costs is what workerd, the stand-ins and the simulator cost, so the gateway's time minus this worker's is what
 * omnizen's own code adds. Run by local/bench on the same workerd process as the gateway.
 */
const ADMISSION_STAND_IN = '["EVAL","return 1","0"]';

function upstash(env) {
  return fetch(env.UPSTASH_REDIS_REST_URL, {
    method: "POST",
    headers: { authorization: `Bearer ${env.UPSTASH_REDIS_REST_TOKEN}`, "content-type": "application/json" },
    body: ADMISSION_STAND_IN,
  }).then((response) => response.json());
}

export default {
  async fetch(request, env, context) {
    const body = await request.arrayBuffer();
    await upstash(env);
    const upstream = await fetch(`${env.DEEPSEEK_BASE_URL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${env.DEEPSEEK_API_KEY}`, "content-type": "application/json" },
      body,
    });
    const text = await upstream.text();
    context.waitUntil(new Promise((resolve) => setTimeout(resolve, 0)).then(() => upstash(env)));
    return new Response(text, { status: upstream.status, headers: { "content-type": "application/json" } });
  },
};
