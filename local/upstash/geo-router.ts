import { createHash } from "node:crypto";
import type { CommandBackend } from "./backend.ts";
import { isReadOnlyCommand, isReadOnlyRequest } from "./command-kinds.ts";
import { delay, type UpstashGeoProfile } from "./geo-profile.ts";
import type { ParsedRequest } from "./http-request.ts";
import { scriptFlags } from "./key-locking.ts";
import { CommandError, errorText } from "./reply.ts";
import type { CommandOutcome, ReplyValue } from "./reply.ts";
import { ScriptLocks, type LockRequest } from "./script-locks.ts";
import { meteredScript, unpackMeteredReply, type ScriptMeter } from "./script-metering.ts";

/** Commands the model has run, as Upstash bills them (see billedCommands). */
export interface BillingCounters {
  /** Top-level commands (each command of a pipeline or transaction; EVAL itself is one). */
  commands: number;
  /** `redis.call` / `redis.pcall` inside scripts. */
  scriptCalls: number;
  /** Writes, top level and inside scripts (EVAL itself is not one; what it writes is). */
  writes: number;
}

/** GeoRouter.lockStats: what the primary's script locks saw (also in `GET /_omnizen/stats` as `locks`). */
export interface LockStats {
  peakConcurrentScripts: number;
  /** Per script (SHA-1 of its text as sent): most runs holding their locks at once. */
  peakConcurrentByScript: Record<string, number>;
  scriptsThatWaited: number;
  /** Waits per conflict: the keys a script shared with the one it waited behind, space-joined; "*" database-wide. */
  waitsByConflict: Record<string, number>;
}

/** Which region serves a request. */
export type GeoTarget = "primary" | "replica";

/** What a request answered: one reply, or one outcome per command. */
export type RequestAnswer = { kind: "single"; result: ReplyValue } | { kind: "list"; outcomes: CommandOutcome[] };

interface Replication {
  dueAt: number;
  request: ParsedRequest;
}

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

/**
 * Upstash Global in one process (https://upstash.com/docs/redis/features/globaldatabase): a primary store and a
 * replica store. Writes, write-capable scripts (EVAL, EVALSHA), transactions and pipelines holding any write run on
 * the primary; reads, EVAL_RO / EVALSHA_RO and read-only pipelines on the replica. Every request the primary ran
 * with a write in it is queued and replayed on the replica, in the primary's order, `replicationLagMs` after it
 * finished, so the replica shows the primary as it was that long ago (scripts replay as scripts, which is exact
 * unless a script reads the clock or random numbers). Scripts hold locks per script-locks.ts. The script cache
 * starts empty when the profile is set, like a new database: EVALSHA of a script not sent since answers NOSCRIPT.
 */
export class GeoRouter {
  private readonly primaryLocks = new ScriptLocks();
  private readonly replicaLocks = new ScriptLocks();
  private readonly scriptTexts = new Map<string, string>();
  /** Script text as sent → metered text (computed once per script). */
  private readonly metered = new Map<string, string>();
  /** SHA-1 of each script text sent to a store (computed once per text). */
  private readonly shas = new Map<string, string>();
  /** SHA-1s of metered scripts each store has been sent with EVAL (later calls use EVALSHA). */
  private readonly loaded = new Map<CommandBackend, Set<string>>();
  private readonly queue: Replication[] = [];
  private pumping = false;
  /** What the primary and the replica ran for clients (replication replays are not counted). */
  readonly counters: BillingCounters = { commands: 0, scriptCalls: 0, writes: 0 };
  private idle: Promise<void> = Promise.resolve();

  constructor(
    readonly profile: UpstashGeoProfile,
    private readonly primary: CommandBackend,
    private readonly replica: CommandBackend,
  ) {}

  /** The region a request goes to. */
  route(request: ParsedRequest): GeoTarget {
    if (request.kind === "transaction") return "primary";
    const commands = request.kind === "single" ? [request.command] : request.commands;
    return isReadOnlyRequest(commands) ? "replica" : "primary";
  }

  /** Billed commands so far: every command and script call, plus every write once more per read region. */
  get billedCommands(): number {
    const { commands, scriptCalls, writes } = this.counters;
    return commands + scriptCalls + writes * (this.profile.readRegions ?? 1);
  }

  /** Replications waiting for their lag to pass. */
  get backlog(): number {
    return this.queue.length;
  }

  /** Most scripts that held locks at the same time on the primary (for tests of the lock model). */
  get peakConcurrentScripts(): number {
    return this.primaryLocks.peakConcurrentScripts;
  }

  /** The primary's lock statistics (script-locks.ts): peaks overall and per script SHA-1, and the waits. */
  lockStats(): LockStats {
    const locks = this.primaryLocks;
    return {
      peakConcurrentScripts: locks.peakConcurrentScripts,
      peakConcurrentByScript: Object.fromEntries(locks.peakByLabel),
      scriptsThatWaited: locks.scriptsThatWaited,
      waitsByConflict: Object.fromEntries(locks.waitsByConflict),
    };
  }

  /** Runs a request on its region; queues its replication when it may have written. */
  async execute(request: ParsedRequest, target: GeoTarget): Promise<RequestAnswer> {
    if (request.kind === "transaction") {
      const commands = request.commands.map((command) => this.resolveScript(command));
      this.counters.commands += commands.length;
      this.counters.writes += commands.filter((command) => !isReadOnlyCommand(command)).length;
      const outcomes = await this.primaryLocks.run({ kind: "none" }, () => this.primary.executeTransaction(commands));
      this.replicate({ kind: "transaction", commands });
      return { kind: "list", outcomes };
    }
    if (request.kind === "single") {
      const command = this.resolveScript(request.command);
      const result = await this.runOne(command, target);
      return { kind: "single", result };
    }
    const commands: string[][] = [];
    const outcomes: CommandOutcome[] = [];
    for (const raw of request.commands) {
      try {
        const command = this.resolveScript(raw);
        commands.push(command);
        outcomes.push({ result: await this.runOne(command, target, false) });
      } catch (error) {
        outcomes.push({ error: errorText(error) });
      }
    }
    if (target === "primary") this.replicate({ kind: "pipeline", commands });
    return { kind: "list", outcomes };
  }

  /** Resolves once every queued replication has been applied. */
  async drained(): Promise<void> {
    while (this.queue.length > 0 || this.pumping) await this.idle;
  }

  private async runOne(command: string[], target: GeoTarget, replicateWrites = true): Promise<ReplyValue> {
    const name = (command[0] ?? "").toLowerCase();
    if (name === "script" && (command[1] ?? "").toLowerCase() === "exists") {
      this.counters.commands += 1;
      return command.slice(2).map((sha) => (this.scriptTexts.has(sha.toLowerCase()) ? 1 : 0));
    }
    const store = target === "primary" ? this.primary : this.replica;
    const locks = target === "primary" ? this.primaryLocks : this.replicaLocks;
    const lock = this.lockFor(command);
    const hold = lock.kind === "none" ? 0 : (this.profile.scriptLockHoldMs ?? 0);
    const script = lock.kind !== "none";
    const sent = script ? this.meter(command) : command;
    this.counters.commands += 1;
    if (!script && !isReadOnlyCommand(command)) this.counters.writes += 1;
    try {
      const reply = await locks.run(lock, async () => {
        await delay(hold);
        return this.send(store, sent);
      });
      if (!script) return reply;
      const { meter, result } = unpackMeteredReply(reply);
      this.addMeter(meter);
      return result;
    } catch (error) {
      const meter = (error as { meter?: ScriptMeter }).meter;
      if (meter) this.addMeter(meter);
      throw error;
    } finally {
      if (replicateWrites && target === "primary" && !isReadOnlyCommand(command)) {
        this.replicate({ kind: "single", command: sent });
      }
    }
  }

  /** The EVAL / EVAL_RO command with the script metered. */
  private meter(command: string[]): string[] {
    const text = command[1] ?? "";
    let meteredText = this.metered.get(text);
    if (meteredText === undefined) this.metered.set(text, (meteredText = meteredScript(text)));
    return [command[0] ?? "", meteredText, ...command.slice(2)];
  }

  /**
   * Runs a command on a store; an EVAL / EVAL_RO the store has already seen goes as EVALSHA / EVALSHA_RO (as a
   * client's script cache would), back to EVAL on NOSCRIPT, so the script text is not shipped and hashed each time.
   */
  private async send(store: CommandBackend, command: string[]): Promise<ReplyValue> {
    const name = (command[0] ?? "").toLowerCase();
    if (name !== "eval" && name !== "eval_ro") return store.execute(command);
    const text = command[1] ?? "";
    const sha = this.shaOf(text);
    let loaded = this.loaded.get(store);
    if (!loaded) this.loaded.set(store, (loaded = new Set()));
    if (loaded.has(sha)) {
      try {
        return await store.execute([name === "eval" ? "EVALSHA" : "EVALSHA_RO", sha, ...command.slice(2)]);
      } catch (error) {
        if (!errorText(error).startsWith("NOSCRIPT")) throw error;
      }
    }
    const reply = await store.execute(command);
    loaded.add(sha);
    return reply;
  }

  private shaOf(text: string): string {
    let sha = this.shas.get(text);
    if (sha === undefined) this.shas.set(text, (sha = sha1(text)));
    return sha;
  }

  private addMeter(meter: ScriptMeter): void {
    this.counters.scriptCalls += meter.calls;
    this.counters.writes += meter.writes;
  }

  /** EVAL/SCRIPT LOAD teach the router a script; EVALSHA runs as EVAL of the text (NOSCRIPT when unknown). */
  private resolveScript(command: string[]): string[] {
    const [name = "", first, ...rest] = command;
    const lower = name.toLowerCase();
    if ((lower === "eval" || lower === "eval_ro") && first !== undefined) this.scriptTexts.set(sha1(first), first);
    if (lower === "script" && first?.toLowerCase() === "load" && rest[0] !== undefined) {
      this.scriptTexts.set(sha1(rest[0]), rest[0]);
    }
    if ((lower === "evalsha" || lower === "evalsha_ro") && first !== undefined) {
      const text = this.scriptTexts.get(first.toLowerCase());
      if (text === undefined) throw new CommandError("NOSCRIPT No matching script. Please use EVAL.");
      return [lower === "evalsha" ? "EVAL" : "EVAL_RO", text, ...rest];
    }
    return command;
  }

  private lockFor(command: readonly string[]): LockRequest {
    const lower = (command[0] ?? "").toLowerCase();
    if (lower !== "eval" && lower !== "eval_ro") return { kind: "none" };
    const flags = scriptFlags(command[1] ?? "");
    if (!flags.includes("allow-key-locking")) return { kind: "global" };
    const keyCount = Number(command[2] ?? 0);
    const keys = command.slice(3, 3 + (Number.isSafeInteger(keyCount) ? keyCount : 0));
    return {
      kind: "keys",
      keys,
      shared: lower === "eval_ro" || flags.includes("no-writes"),
      label: this.shaOf(command[1] ?? ""),
    };
  }

  private replicate(request: ParsedRequest): void {
    this.queue.push({ dueAt: Date.now() + this.profile.replicationLagMs, request });
    if (!this.pumping) this.idle = this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (let next = this.queue[0]; next !== undefined; next = this.queue[0]) {
        await delay(next.dueAt - Date.now());
        this.queue.shift();
        await this.apply(next.request);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async apply(request: ParsedRequest): Promise<void> {
    try {
      if (request.kind === "transaction") await this.replica.executeTransaction(request.commands);
      else if (request.kind === "single") await this.send(this.replica, request.command);
      else for (const command of request.commands) await this.send(this.replica, command).catch(() => undefined);
    } catch {
      // A command that failed on the primary fails the same way here: the replica does not diverge.
    }
  }
}
