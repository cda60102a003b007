import { describe, expect, it } from "vitest";
import {
  nextPage,
  pageHistoryState,
  parseUsageSearch,
  previousPage,
  readPageHistory,
  usageApiFilter,
  usageSearchParams,
  withFilter,
} from "./filter";

const TODAY = "2026-12-06";
const params = (query: string) => new URLSearchParams(query);

describe("usage filter in the URL", () => {
  it("defaults to the last 30 days, nothing else", () => {
    const search = parseUsageSearch(params(""), TODAY);
    expect(search).toEqual({
      from: "2026-11-07",
      to: "2026-12-06",
      model: null,
      keyId: null,
      status: null,
      cursor: null,
    });
    expect(usageSearchParams(search, TODAY).toString()).toBe("");
  });

  it("round-trips every filter", () => {
    const query = "from=2026-10-01&to=2026-10-31&model=openai%2Fgpt-6.1-terra&key=key_1&status=error&cursor=abc";
    const search = parseUsageSearch(params(query), TODAY);
    expect(search).toEqual({
      from: "2026-10-01",
      to: "2026-10-31",
      model: "openai/gpt-6.1-terra",
      keyId: "key_1",
      status: "error",
      cursor: "abc",
    });
    expect(usageSearchParams(search, TODAY).toString()).toBe(query);
    expect(parseUsageSearch(usageSearchParams(search, TODAY), TODAY)).toEqual(search);
  });

  it("keeps a moved end day with its default 30-day start", () => {
    const search = parseUsageSearch(params("to=2026-10-31"), TODAY);
    expect(search.from).toBe("2026-10-02");
    expect(parseUsageSearch(usageSearchParams(search, TODAY), TODAY)).toEqual(search);
  });

  it("ignores invalid values and swaps a reversed range", () => {
    const search = parseUsageSearch(params("from=2026-13-01&to=yesterday&status=weird&model=%20"), TODAY);
    expect(search).toMatchObject({ from: "2026-11-07", to: "2026-12-06", status: null, model: null });
    expect(parseUsageSearch(params("from=2026-12-05&to=2026-12-01"), TODAY)).toMatchObject({
      from: "2026-12-01",
      to: "2026-12-05",
    });
  });

  it("a changed filter goes back to the first page", () => {
    const search = parseUsageSearch(params("cursor=abc"), TODAY);
    expect(withFilter(search, { status: "ok" })).toMatchObject({ status: "ok", cursor: null });
    expect(withFilter(search, { from: "2026-12-07" })).toMatchObject({ from: "2026-12-06", to: "2026-12-07" });
  });

  it("maps to the API filter with an exclusive end", () => {
    const search = parseUsageSearch(params("from=2026-12-01&to=2026-12-01&key=k"), TODAY);
    expect(usageApiFilter(search)).toEqual({
      from: "2026-12-01T00:00:00.000Z",
      to: "2026-12-02T00:00:00.000Z",
      model: null,
      keyId: "k",
      status: null,
    });
  });
});

describe("cursor paging with a way back", () => {
  it("walks forward and back to the first page", () => {
    let history = readPageHistory(null);
    const second = nextPage(null, history, "c2");
    expect(second.cursor).toBe("c2");
    history = readPageHistory(pageHistoryState(second.history));
    const third = nextPage("c2", history, "c3");
    expect(third.history.previous).toEqual(["", "c2"]);
    const backToSecond = previousPage(third.history);
    expect(backToSecond).toEqual({ cursor: "c2", history: { previous: [""] } });
    expect(previousPage(backToSecond.history)).toEqual({ cursor: null, history: { previous: [] } });
  });

  it("goes to the first page when the history is unknown", () => {
    expect(previousPage(readPageHistory({ usagePrevious: "junk" }))).toEqual({
      cursor: null,
      history: { previous: [] },
    });
    expect(readPageHistory({ usagePrevious: ["a", 3, "b"] }).previous).toEqual(["a", "b"]);
  });
});
