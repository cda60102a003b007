import { describe, expect, it } from "vitest";
import { extractMarkerPairs, parseDirectives } from "./directives.ts";

describe("parseDirectives", () => {
  it("applies defaults when nothing is given", () => {
    const result = parseDirectives({}, ["plain prompt"]);
    expect(result).toEqual({
      ok: true,
      directives: {
        chunks: 4,
        words: 12,
        delay_ms: 0,
        stall_ms: 0,
        tool_once: 0,
        cached: 0,
        cache_write: 0,
        cache_ttl: "5m",
        extra_prompt: 0,
        reasoning: 0,
        trailer_delay_ms: 0,
        stall_body: 0,
      },
    });
  });

  it("takes tool_args only as a base64url JSON object", () => {
    const encoded = Buffer.from('{"cmd":"ls -la"}').toString("base64url");
    const parsed = parseDirectives({}, [`[[sim tool=exec_command tool_args=${encoded}]]`]);
    expect(parsed.ok && parsed.directives.tool_args).toBe('{"cmd":"ls -la"}');
    for (const bad of [Buffer.from("[1]").toString("base64url"), Buffer.from("{").toString("base64url"), "a+b/"]) {
      const result = parseDirectives({}, [`[[sim tool_args=${bad}]]`]);
      expect(result.ok ? null : result.message).toMatch(/^invalid simulator directive tool_args/);
    }
  });

  it("reads markers anywhere in the texts, later markers winning, and headers over markers", () => {
    const result = parseDirectives({ "x-sim-delay-ms": "7", "x-sim-words": "3", "content-type": "x" }, [
      "before [[sim chunks=5 words=9]] after",
      "[[sim  chunks=6   tool=get_weather ]]",
    ]);
    expect(result.ok && result.directives).toMatchObject({ chunks: 6, words: 3, delay_ms: 7, tool: "get_weather" });
  });

  it("parses every directive", () => {
    const marker =
      "[[sim chunks=2 words=3 delay_ms=4 error=429 retry_after=9 error_after=1 stall_ms=5 stall_after=6 disconnect_after=7 tool=t tool_args=eyJjbWQiOiJscyJ9 tool_once=1 cached=8 cache_write=2 cache_ttl=1h extra_prompt=11 reasoning=10 fragment=3 drip_ms=11 malformed_after=12 trailer_delay_ms=13 stall_body=1]]";
    const result = parseDirectives({}, [marker]);
    expect(result.ok && result.directives).toEqual({
      chunks: 2,
      words: 3,
      delay_ms: 4,
      error: 429,
      retry_after: 9,
      error_after: 1,
      stall_ms: 5,
      stall_after: 6,
      disconnect_after: 7,
      tool: "t",
      tool_args: '{"cmd":"ls"}',
      tool_once: 1,
      cached: 8,
      cache_write: 2,
      cache_ttl: "1h",
      extra_prompt: 11,
      reasoning: 10,
      fragment: 3,
      drip_ms: 11,
      malformed_after: 12,
      trailer_delay_ms: 13,
      stall_body: 1,
    });
  });

  it.each([
    [["[[sim chunks=0]]"], "chunks"],
    [["[[sim chunks=two]]"], "chunks"],
    [["[[sim words=1.5]]"], "words"],
    [["[[sim error=200]]"], "error"],
    [["[[sim delay_ms=-1]]"], "delay_ms"],
    [["[[sim colour=blue]]"], "colour"],
    [["[[sim chunks]]"], "chunks"],
    [["[[sim tool=bad/name]]"], "tool"],
  ])("rejects %j", (texts, name) => {
    const result = parseDirectives({}, texts);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(name);
  });

  it("rejects unknown x-sim headers", () => {
    expect(parseDirectives({ "x-sim-bogus": "1" }, []).ok).toBe(false);
  });

  it("extracts pairs in order from several markers", () => {
    expect(extractMarkerPairs(["[[sim a=1]] x [[sim b=2 c=3]]", "[[simulate d=4]]"])).toEqual([
      ["a", "1"],
      ["b", "2"],
      ["c", "3"],
    ]);
  });
});
