/**
 * Isolate time per request from workerd's async trace (`workerd serve --async-trace <file>`): one JSON object per
 * line, including a `ctx` line per request context (with the worker's name) and a `turn` line per event the isolate
 * ran for it, with nanosecond timestamps `start` (queued), `locked` (isolate lock taken) and `end`. The isolate time
 * of a request is the sum of `end - locked` over its turns: the JavaScript (and the runtime calls it makes) that ran
 * for that request, background `waitUntil` work included, and none of the time spent waiting for I/O. That is what
 * Cloudflare bills as a request's CPU time; the process CPU from /proc also counts workerd's own network stack.
 */

/** Isolate time of every request context in a trace, in trace order, by worker name. */
export function isolateTimesByWorker(traceLines: Iterable<string>): Map<string, number[]> {
  const workerOf = new Map<number, string>();
  const nanos = new Map<number, number>();
  const order: number[] = [];
  for (const line of traceLines) {
    if (!line.includes('"e":"ctx"') && !line.includes('"e":"turn"')) continue;
    let event: { e?: string; ctx?: number; worker?: string; locked?: number; end?: number };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      continue; // a line cut short when workerd stopped
    }
    if (typeof event.ctx !== "number") continue;
    if (event.e === "ctx" && typeof event.worker === "string" && !workerOf.has(event.ctx)) {
      workerOf.set(event.ctx, event.worker);
      order.push(event.ctx);
    } else if (event.e === "turn" && typeof event.locked === "number" && typeof event.end === "number") {
      nanos.set(event.ctx, (nanos.get(event.ctx) ?? 0) + (event.end - event.locked));
    }
  }
  const result = new Map<string, number[]>();
  for (const ctx of order) {
    const worker = workerOf.get(ctx) ?? "?";
    const list = result.get(worker) ?? [];
    list.push((nanos.get(ctx) ?? 0) / 1e6);
    result.set(worker, list);
  }
  return result;
}
