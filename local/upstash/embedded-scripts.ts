import { createHash } from "node:crypto";
import { decodeTagged, wrapScript } from "./embedded-lua.ts";
import { CommandError } from "./reply.ts";
import type { ReplyValue } from "./reply.ts";

/** Runs a wrapped Lua chunk in the embedded store: `(chunk, numberOfKeys, ...keysAndArguments)`. */
export type LuaRunner = (chunk: string, numberOfKeys: string, ...keysAndArguments: string[]) => Promise<unknown>;

/** The Lua entry points Redis offers; everything else passes through to the store. */
export const scriptingCommands: ReadonlySet<string> = new Set(["eval", "evalsha", "eval_ro", "evalsha_ro", "script"]);

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

function wrongArity(name: string): CommandError {
  return new CommandError(`ERR wrong number of arguments for '${name}' command`);
}

/**
 * EVAL / EVALSHA / SCRIPT LOAD|EXISTS|FLUSH for the embedded store, with Redis's argument checks and error texts
 * (NOSCRIPT, number-of-keys errors, unknown subcommand). The script cache lives here (SHA1 → source), so behaviour
 * does not depend on what ioredis-mock implements; scripts run through the Lua glue of embedded-lua.ts.
 */
export class EmbeddedScripts {
  private readonly scripts = new Map<string, string>();
  private readonly wrappedChunks = new Map<string, string>();

  constructor(private readonly runLua: LuaRunner) {}

  /** Executes a scripting command (`name` lower-case, `command[0]` is the name as sent). */
  async execute(name: string, command: readonly string[]): Promise<ReplyValue> {
    const commandArguments = command.slice(1);
    switch (name) {
      case "eval":
      case "eval_ro": {
        const [script, numberOfKeys, ...rest] = commandArguments;
        if (script === undefined || numberOfKeys === undefined) throw wrongArity(name);
        return this.run(this.load(script), numberOfKeys, rest);
      }
      case "evalsha":
      case "evalsha_ro": {
        const [sha, numberOfKeys, ...rest] = commandArguments;
        if (sha === undefined || numberOfKeys === undefined) throw wrongArity(name);
        if (!this.scripts.has(sha.toLowerCase()))
          throw new CommandError("NOSCRIPT No matching script. Please use EVAL.");
        return this.run(sha.toLowerCase(), numberOfKeys, rest);
      }
      default:
        return this.scriptSubcommand(commandArguments);
    }
  }

  private scriptSubcommand(commandArguments: readonly string[]): ReplyValue {
    const [subcommand = "", ...rest] = commandArguments;
    switch (subcommand.toLowerCase()) {
      case "load": {
        if (rest.length !== 1 || rest[0] === undefined) throw wrongArity("script|load");
        return this.load(rest[0]);
      }
      case "exists": {
        if (rest.length === 0) throw wrongArity("script|exists");
        return rest.map((sha) => (this.scripts.has(sha.toLowerCase()) ? 1 : 0));
      }
      case "flush": {
        const mode = rest[0]?.toLowerCase();
        if (rest.length > 1 || (mode !== undefined && mode !== "sync" && mode !== "async")) {
          throw new CommandError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        }
        this.scripts.clear();
        this.wrappedChunks.clear();
        return "OK";
      }
      default:
        throw new CommandError(`ERR unknown subcommand '${subcommand}'. Try SCRIPT HELP.`);
    }
  }

  private load(script: string): string {
    const sha = sha1(script);
    this.scripts.set(sha, script);
    return sha;
  }

  private async run(sha: string, numberOfKeysText: string, keysAndArguments: string[]): Promise<ReplyValue> {
    if (!/^-?\d+$/.test(numberOfKeysText)) throw new CommandError("ERR value is not an integer or out of range");
    const numberOfKeys = Number(numberOfKeysText);
    if (numberOfKeys < 0) throw new CommandError("ERR Number of keys can't be negative");
    if (numberOfKeys > keysAndArguments.length) {
      throw new CommandError("ERR Number of keys can't be greater than number of args");
    }
    let chunk = this.wrappedChunks.get(sha);
    if (chunk === undefined) {
      chunk = wrapScript(this.scripts.get(sha) ?? "", sha);
      this.wrappedChunks.set(sha, chunk);
    }
    let tagged: unknown;
    try {
      tagged = await this.runLua(chunk, String(numberOfKeys), ...keysAndArguments);
    } catch (error) {
      throw new CommandError(`ERR ${error instanceof Error ? error.message : String(error)} script: ${sha}`);
    }
    return decodeTagged(tagged);
  }
}
