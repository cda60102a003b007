import { createHash } from "node:crypto";
import type { CommandBackend } from "./backend.ts";
import { keyLockingPrelude, scriptFlags } from "./key-locking.ts";
import type { ReplyValue } from "./reply.ts";

/**
 * Upstash's own Lua shebang flag, `#!lua flags=allow-key-locking` (https://upstash.com/docs/redis/features/key-locking),
 * which open-source Redis refuses ("Unexpected flag in script shebang") and @upstash/ratelimit puts in every script.
 * The stand-in accepts it as Upstash does: the flag is removed before the script reaches the store, and the client
 * keeps addressing the script by the SHA-1 of the text it sent (EVALSHA, SCRIPT LOAD, SCRIPT EXISTS), mapped here to
 * the SHA-1 of what the store holds. The rule that comes with the flag (only keys in KEYS) is enforced; the locking
 * itself (concurrency) is modelled by script-locks.ts when a geo profile is on.
 */
const UPSTASH_ONLY_FLAGS: ReadonlySet<string> = new Set(["allow-key-locking"]);

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

/** The script without Upstash-only flags (the shebang line dropped, keeping line numbers, when no flag is left). */
export function withoutUpstashFlags(script: string): string {
  const match = /^#!lua([^\n]*)/.exec(script);
  if (!match) return script;
  const flagsMatch = /flags=(\S*)/.exec(match[1] ?? "");
  if (!flagsMatch) return script;
  const flags = (flagsMatch[1] ?? "").split(",").filter((flag) => flag !== "");
  const kept = flags.filter((flag) => !UPSTASH_ONLY_FLAGS.has(flag));
  if (kept.length === flags.length) return script;
  const rest = script.slice(match[0].length);
  return kept.length === 0 ? rest : `#!lua flags=${kept.join(",")}${rest}`;
}

/**
 * What the store runs for a script as sent: without Upstash-only flags and, when it carries `allow-key-locking`, with
 * the key-locking rule enforced (see key-locking.ts). Line numbers are kept.
 */
export function storedScript(script: string): string {
  const stripped = withoutUpstashFlags(script);
  if (!scriptFlags(script).includes("allow-key-locking")) return stripped;
  if (stripped.startsWith("\n")) return `${keyLockingPrelude()}${stripped}`;
  const lineEnd = stripped.indexOf("\n");
  if (lineEnd < 0) return `${stripped}\n${keyLockingPrelude()}`;
  return `${stripped.slice(0, lineEnd + 1)}${keyLockingPrelude()} ${stripped.slice(lineEnd + 1)}`;
}

/**
 * Wraps a backend so scripts with Upstash-only flags run, addressed by the SHA-1 the client computed, and scripts
 * flagged `allow-key-locking` may touch only the keys passed in KEYS.
 */
export function acceptUpstashScriptFlags(backend: CommandBackend): CommandBackend {
  // SHA-1 of the script as the client sent it -> SHA-1 of the script the store holds.
  const storedSha = new Map<string, string>();
  const register = (script: string): string => {
    const stored = storedScript(script);
    if (stored !== script) storedSha.set(sha1(script), sha1(stored));
    return stored;
  };
  const translate = async (
    command: string[],
  ): Promise<{ command: string[]; reply?: (value: ReplyValue) => ReplyValue }> => {
    const [name = "", ...rest] = command;
    const lower = name.toLowerCase();
    if ((lower === "eval" || lower === "eval_ro") && rest[0] !== undefined)
      return { command: [name, register(rest[0]), ...rest.slice(1)] };
    if ((lower === "evalsha" || lower === "evalsha_ro") && rest[0] !== undefined) {
      return { command: [name, storedSha.get(rest[0].toLowerCase()) ?? rest[0], ...rest.slice(1)] };
    }
    if (lower === "script" && rest[0]?.toLowerCase() === "load" && rest[1] !== undefined) {
      const original = rest[1];
      // The client expects the SHA-1 of the script it sent.
      return { command: [name, rest[0], register(original)], reply: () => sha1(original) };
    }
    if (lower === "script" && rest[0]?.toLowerCase() === "exists") {
      return { command: [name, rest[0], ...rest.slice(1).map((sha) => storedSha.get(sha.toLowerCase()) ?? sha)] };
    }
    return { command };
  };
  return {
    kind: backend.kind,
    async execute(command) {
      const translated = await translate(command);
      const reply = await backend.execute(translated.command);
      return translated.reply ? translated.reply(reply) : reply;
    },
    async executeTransaction(commands) {
      const translated = await Promise.all(commands.map(translate));
      const outcomes = await backend.executeTransaction(translated.map((entry) => entry.command));
      return outcomes.map((outcome, index) => {
        const reply = translated[index]?.reply;
        return reply && "result" in outcome ? { result: reply(outcome.result) } : outcome;
      });
    },
    close: () => backend.close(),
  };
}
