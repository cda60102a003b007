import { describe, expect, it } from "vitest";
import { aliasMapToRows, aliasRowsToMap, validateAliasRows } from "./model-aliases";

const catalog = new Set(["deepseek/deepseek-v4-pro", "anthropic/claude-haiku-5-5"]);

describe("model alias rows", () => {
  it("flags each row as the worker would refuse it", () => {
    expect(
      validateAliasRows(
        [
          { alias: "claude-sonnet", target: "deepseek/deepseek-v4-pro" },
          { alias: " ", target: "deepseek/deepseek-v4-pro" },
          { alias: "claude sonnet", target: "deepseek/deepseek-v4-pro" },
          { alias: "claude-sonnet", target: "deepseek/deepseek-v4-pro" },
          { alias: "anthropic/claude-haiku-5-5", target: "deepseek/deepseek-v4-pro" },
          { alias: "claude-x", target: "" },
        ],
        catalog,
      ),
    ).toEqual([null, "aliasRequired", "aliasPattern", "aliasDuplicate", "aliasShadows", "aliasTargetMissing"]);
  });

  it("leaves the catalog checks to the worker while the catalog is loading", () => {
    expect(
      validateAliasRows(
        [
          { alias: "anthropic/claude-haiku-5-5", target: "x/y" },
          { alias: "claude-a", target: "x/y" },
          { alias: "claude-b", target: "" },
        ],
        null,
      ),
    ).toEqual(["aliasPattern", null, "aliasTargetMissing"]);
  });

  it("converts between rows and the API's map, trimming alias ids", () => {
    const rows = [{ alias: " claude-a ", target: "deepseek/deepseek-v4-pro" }];
    expect(aliasRowsToMap(rows)).toEqual({ "claude-a": "deepseek/deepseek-v4-pro" });
    expect(aliasMapToRows({ "claude-a": "x/y" })).toEqual([{ alias: "claude-a", target: "x/y" }]);
    expect(aliasMapToRows(undefined)).toEqual([]);
  });
});
