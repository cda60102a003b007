import { toHex } from "../../lib/hex.ts";
import type { ScriptClient } from "./script-client.ts";

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
  let digest = digests.get(source);
  if (!digest) {
    digest = sha1Hex(source);
    digests.set(source, digest);
  }
  try {
    return (await redis.evalsha(await digest, keys, args)) as Result;
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes("NOSCRIPT")) throw error;
    return (await redis.eval(source, keys, args)) as Result;
  }
}

/**
 * A number as a script argument: a plain decimal integer, never exponent form or a fraction (Redis refuses both as
 * an integer). Money and token counts are safe integers everywhere; anything else is a bug caught here.
 */
export function intArg(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError("script argument is not a safe integer");
  return String(value);
}
