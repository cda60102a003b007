/**
 * What the `unit` project (Node) gives a test under worker/src that imports `cloudflare:test`: only an
 * ExecutionContext and the wait for its `waitUntil` promises, as @cloudflare/vitest-plugin's own helpers do in
 * workerd. Anything else from `cloudflare:test` (env, SELF, bindings) needs the stack: such a test belongs in
 * worker/test/, and importing it here fails at import time on purpose.
 */
const pending = new WeakMap<object, Promise<unknown>[]>();

export function createExecutionContext(): ExecutionContext {
  const promises: Promise<unknown>[] = [];
  const context = {
    waitUntil(promise: Promise<unknown>): void {
      promises.push(promise);
    },
    passThroughOnException(): void {},
    props: {},
  } as unknown as ExecutionContext;
  pending.set(context, promises);
  return context;
}

/**
 * Waits for every `waitUntil` promise, including those added while waiting, and then throws what failed (one error,
 * or an AggregateError), as the plugin's waitOnExecutionContext does.
 */
export async function waitOnExecutionContext(context: ExecutionContext): Promise<void> {
  const promises = pending.get(context);
  if (!promises) throw new TypeError("waitOnExecutionContext: pass a context from createExecutionContext()");
  const errors: unknown[] = [];
  while (promises.length > 0) {
    for (const settled of await Promise.allSettled(promises.splice(0))) {
      if (settled.status === "rejected") errors.push(settled.reason);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors);
}
