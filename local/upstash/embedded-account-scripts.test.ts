/**
 * The account cache switch and the account purge scripts on the embedded backend (the fresh-machine fallback), under
 * the key-locking rule the stand-in enforces there too (a key not in KEYS would fail the run with "Dynamic keys are
 * not allowed"): an index member the caller did not pass is answered back, not deleted.
 */
import { afterAll, describe, expect, it } from "vitest";
import { accountUsageQueueKeys } from "../../worker/src/services/hot-path/script-keys.ts";
import { PURGE_ACCOUNT_SCRIPT } from "../../worker/src/services/privacy/purge-account-redis.ts";
import { CACHE_OFF_SCRIPT } from "../../worker/src/services/prompt-cache/account-cache-switch.ts";
import { createEmbeddedBackend } from "./embedded-backend.ts";
import { acceptUpstashScriptFlags } from "./script-flags.ts";

const backend = acceptUpstashScriptFlags(createEmbeddedBackend());
afterAll(() => backend.close());

const evalScript = (script: string, keys: string[], args: string[]) =>
  backend.execute(["EVAL", script, String(keys.length), ...keys, ...args]);

describe("account scripts on the embedded backend", () => {
  it("the cache switch deletes the entries passed and answers the index members it was not given", async () => {
    await backend.execute(["SET", "omz:pc:a", "1"]);
    await backend.execute(["SET", "omz:pc:b", "1"]);
    await backend.execute(["SADD", "omz:pcidx:u1", "omz:pc:a", "omz:pc:b"]);
    const first = await evalScript(CACHE_OFF_SCRIPT, ["omz:pcoff:u1", "omz:pcidx:u1", "omz:pc:a"], ["60000"]);
    expect(first).toEqual([1, "omz:pc:b"]);
    expect(await backend.execute(["EXISTS", "omz:pc:b", "omz:pcidx:u1", "omz:pcoff:u1"])).toBe(3);
    const second = await evalScript(
      CACHE_OFF_SCRIPT,
      ["omz:pcoff:u1", "omz:pcidx:u1", "omz:pc:a", "omz:pc:b"],
      ["60000"],
    );
    expect(second).toEqual([1]);
    expect(await backend.execute(["EXISTS", "omz:pc:a", "omz:pc:b", "omz:pcidx:u1"])).toBe(0);
  });

  it("the purge deletes what it is given and the account's queued records, and sets the tombstone", async () => {
    const lists = accountUsageQueueKeys("u2");
    await backend.execute(["SET", "omz:credit:u2", "5"]);
    await backend.execute([
      "RPUSH",
      lists[0]!,
      '{"request_id":"r","user_id":"u2"}',
      '{"request_id":"s","user_id":"u3"}',
    ]);
    await backend.execute(["SET", "omz:pc:c", "1"]);
    await backend.execute(["SADD", "omz:pcidx:u2", "omz:pc:c"]);
    const keys = ["omz:deleted:u2", "omz:pcidx:u2", ...lists, "omz:credit:u2", "omz:pc:c"];
    // Credit 1, the entry 1, the index 1, the queued record 1.
    expect(await evalScript(PURGE_ACCOUNT_SCRIPT, keys, ["u2", "1"])).toEqual([4]);
    expect(await backend.execute(["LRANGE", lists[0]!, "0", "-1"])).toEqual(['{"request_id":"s","user_id":"u3"}']);
    expect(await backend.execute(["EXISTS", "omz:deleted:u2"])).toBe(1);
  });
});
