import { describe, expect, it } from "vitest";
import { HttpRequestError, parseRequest, toCommand } from "./http-request.ts";

const url = (path: string) => new URL(path, "http://localhost");
const empty = Buffer.alloc(0);

describe("parseRequest", () => {
  it("reads a JSON command at the root", () => {
    expect(parseRequest("POST", url("/"), Buffer.from('["SET","k",5,true]'))).toEqual({
      kind: "single",
      command: ["SET", "k", "5", "true"],
    });
  });

  it("reads pipelines and transactions", () => {
    const body = Buffer.from('[["SET","k","v"],["GET","k"]]');
    expect(parseRequest("POST", url("/pipeline"), body)).toEqual({
      kind: "pipeline",
      commands: [
        ["SET", "k", "v"],
        ["GET", "k"],
      ],
    });
    expect(parseRequest("POST", url("/multi-exec"), body).kind).toBe("transaction");
  });

  it("reads the path form with decoded segments, body and query arguments", () => {
    expect(parseRequest("GET", url("/set/a%2Fb/hello%20world?_token=t"), empty)).toEqual({
      kind: "single",
      command: ["set", "a/b", "hello world"],
    });
    expect(parseRequest("POST", url("/set/k?EX=100"), Buffer.from('{"json":true}'))).toEqual({
      kind: "single",
      command: ["set", "k", '{"json":true}', "EX", "100"],
    });
  });

  it("rejects malformed input with 400", () => {
    expect(() => parseRequest("POST", url("/"), Buffer.from("not json"))).toThrow(HttpRequestError);
    expect(() => parseRequest("GET", url("/"), empty)).toThrow(/no command/);
    expect(() => toCommand(["SET", "k", { nested: 1 }])).toThrow(/position 2/);
    expect(() => toCommand([])).toThrow(/non-empty/);
  });
});
