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

function pumped(body) {
  const reader = body.getReader();
  return new ReadableStream(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/** A JavaScript read loop writing each chunk into workerd's native IdentityTransformStream. */
function written(body) {
  // eslint-disable-next-line no-undef -- a workerd global
  const { readable, writable } = new IdentityTransformStream();
  const writer = writable.getWriter();
  const reader = body.getReader();
  (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await writer.write(value);
    }
    await writer.close();
  })().catch((error) => writer.abort(error));
  return readable;
}

/** The upstream body teed: one branch piped natively to the client, the other read by JavaScript (a usage tap). */
function teed(body, context) {
  const [client, tap] = body.tee();
  const reader = tap.getReader();
  context.waitUntil(
    (async () => {
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
      }
      return bytes;
    })(),
  );
  return client;
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
    // The streams scenario (streams-phase.ts) asks for the answer streamed: piped natively, or pumped through a
    // JavaScript ReadableStream one chunk per pull, as the gateway's stream bodies are.
    const mode = request.headers.get("x-floor-stream");
    if (upstream.body && mode === "pipe") return new Response(upstream.body, { status: upstream.status });
    if (upstream.body && mode === "js") return new Response(pumped(upstream.body), { status: upstream.status });
    if (upstream.body && mode === "identity") return new Response(written(upstream.body), { status: upstream.status });
    if (upstream.body && mode === "tee") return new Response(teed(upstream.body, context), { status: upstream.status });
    const text = await upstream.text();
    context.waitUntil(new Promise((resolve) => setTimeout(resolve, 0)).then(() => upstash(env)));
    return new Response(text, { status: upstream.status, headers: { "content-type": "application/json" } });
  },
};
