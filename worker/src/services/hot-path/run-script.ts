import { toHex } from "../../lib/hex.ts";
import type { ReadOnlyScriptClient, ScriptClient } from "./script-client.ts";

const digests = new Map<string, Promise<string>>();

async function sha1Hex(source: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(source));
  return toHex(digest);
}

/**
 * EVALSHA, falling back to EVAL once when the server does not know the script yet (NOSCRIPT): one round trip in
 * the steady state. The digest is computed once per isolate (pure data).
 */
export async function runScript<Result>(
  redis: ScriptClient,
  source: string,
  keys: string[],
  args: string[],
): Promise<Result> {
  try {
    return (await redis.evalsha(await digestOf(source), keys, args)) as Result;
  } catch (error) {
    if (!isNoScript(error)) throw error;
    return (await redis.eval(source, keys, args)) as Result;
  }
}

/** runScript for a `no-writes` script: EVALSHA_RO (EVAL_RO on NOSCRIPT), which a read replica may serve. */
export async function runReadOnlyScript<Result>(
  redis: ReadOnlyScriptClient,
  source: string,
  keys: string[],
  args: string[],
): Promise<Result> {
  try {
    return (await redis.evalshaRo(await digestOf(source), keys, args)) as Result;
  } catch (error) {
    if (!isNoScript(error)) throw error;
    return (await redis.evalRo(source, keys, args)) as Result;
  }
}

function digestOf(source: string): Promise<string> {
  let digest = digests.get(source);
  if (!digest) {
    digest = sha1Hex(source);
    digests.set(source, digest);
  }
  return digest;
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.includes("NOSCRIPT");
}

/**
 * A number as a script argument: a plain decimal integer, never exponent form or a fraction (Redis refuses both as
 * an integer). Money and token counts are safe integers everywhere; anything else is a bug caught here.
 */
export function intArg(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError("script argument is not a safe integer");
  return String(value);
}
