import { describe, expect, it } from "vitest";
import { englishOnPage, englishWords } from "./bangla-text.ts";

describe("englishWords (the Bangla page check)", () => {
  it("finds English words, alone or mixed with Bangla", () => {
    expect(englishWords("Save")).toEqual(["Save"]);
    expect(englishWords("API কী Create key")).toEqual(["Create", "key"]);
    expect(englishWords("Loading…")).toEqual(["Loading"]);
  });

  it("allows Bangla, numbers, brands, model names and ids, acronyms, emails, URLs and key prefixes", () => {
    for (const text of [
      "এপিআই কী তৈরি করুন",
      "১২৩৪ টোকেন",
      "$0.42",
      "omnizen",
      "OpenAI ও Anthropic",
      "DeepSeek V4.1 Flash",
      "deepseek/deepseek-flash",
      "claude-haiku-5-5",
      "USD ১০.০০ · BDT",
      "API কী",
      "১০:৩০ PM",
      "browser@omnizen.test",
      "https://omnizen.example/docs",
      "sk-omni-AbC1…",
      "req_01HZX3",
      "/v1/chat/completions",
    ]) {
      expect(englishWords(text), text).toEqual([]);
    }
  });

  it("allows what the user typed, exactly", () => {
    expect(englishWords("স্বাগতম, Nusrat Jahan", { userValues: ["Nusrat Jahan"] })).toEqual([]);
    expect(englishWords("স্বাগতম, Nusrat", { userValues: ["Nusrat Jahan"] })).toEqual(["Nusrat"]);
  });

  it("does not allow a brand inside a longer word", () => {
    expect(englishWords("Googled")).toEqual(["Googled"]);
  });

  it("reports each offending text with its place", () => {
    const found = englishOnPage([
      { text: "কী", where: "<h1>" },
      { text: "Revoke", where: "<button> in [data-testid=key-revoke]" },
    ]);
    expect(found).toEqual([{ text: "Revoke", where: "<button> in [data-testid=key-revoke]", words: ["Revoke"] }]);
  });
});
