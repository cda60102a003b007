import { describe, expect, it } from "vitest";
import { parseDevVars } from "./dev-vars.ts";

describe("parseDevVars", () => {
  it("reads KEY=value lines, quotes, export prefixes and comments", () => {
    expect(
      parseDevVars(`# comment\nA=1\nexport B = "two words"\nC='x#y'\nD=plain # trailing\n\nnot a line\nE=`),
    ).toEqual({ A: "1", B: "two words", C: "x#y", D: "plain", E: "" });
  });
});
