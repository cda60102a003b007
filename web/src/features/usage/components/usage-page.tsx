import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useLocation, useSearchParams } from "react-router";
import { StackedUsageChart } from "../../../components/charts/stacked-usage-chart";
import { ErrorState, Loading } from "../../../components/ui/states";
import { Page } from "../../../components/ui/page";
import { useApi } from "../../../lib/api-context";
import type { UsageTotals } from "../../../lib/api-types";
import { formatMoney, formatNumber, formatTokens } from "../../../lib/format";
import { useLocale, useMessages } from "../../../lib/i18n";
import { stackByDay, utcDay, type UsageMetric } from "../../../lib/usage-series";
import { saveFile } from "../download";
import {
  hasNarrowingFilter,
  nextPage,
  PAGE_SIZE,
  pageHistoryState,
  parseUsageSearch,
  previousPage,
  rangeOnlyFilter,
  readPageHistory,
  usageApiFilter,
  usageSearchParams,
  withFilter,
  type PageHistory,
  type UsageSearch,
} from "../filter";
import { usageMessages } from "../messages";
import { UsageFilters } from "./usage-filters";
import { UsageTable } from "./usage-table";
import "../usage.css";

export function UsagePage() {
  const t = useMessages(usageMessages);
  const { locale } = useLocale();
  const api = useApi();
  // Fixed for the visit, so the default range does not move under the user at midnight UTC.
  const [today] = useState(() => utcDay(new Date()));
  const [searchParams, setSearchParams] = useSearchParams();
  const location = useLocation();
  const search = useMemo(() => parseUsageSearch(searchParams, today), [searchParams, today]);
  const history = readPageHistory(location.state);
  const filter = useMemo(() => usageApiFilter(search), [search]);
  const rangeFilter = useMemo(() => rangeOnlyFilter(search), [search]);
  const [metric, setMetric] = useState<UsageMetric>("costMicroUsd");

  const navigate = (next: UsageSearch, nextHistory: PageHistory = { previous: [] }) =>
    setSearchParams(usageSearchParams(next, today), { state: pageHistoryState(nextHistory) });

  const summary = useQuery({
    queryKey: ["usage", "summary", filter],
    queryFn: ({ signal }) => api.getUsageSummary(filter, { signal }),
  });
  const choices = useQuery({
    queryKey: ["usage", "summary", rangeFilter],
    queryFn: ({ signal }) => api.getUsageSummary(rangeFilter, { signal }),
  });
  const keys = useQuery({ queryKey: ["keys", "list"], queryFn: ({ signal }) => api.listKeys({ signal }) });
  const events = useQuery({
    queryKey: ["usage", "events", filter, search.cursor],
    queryFn: ({ signal }) => api.listUsageEvents({ ...filter, cursor: search.cursor, limit: PAGE_SIZE }, { signal }),
    placeholderData: keepPreviousData,
  });
  const csv = useMutation({
    mutationFn: () => api.downloadUsageCsv(filter),
    onSuccess: (file) => saveFile(file.blob, file.filename),
  });

  const models = useMemo(
    () => [...new Set((choices.data?.byModel ?? []).map((entry) => entry.model))].sort(),
    [choices.data],
  );
  const keyChoices = useMemo(() => {
    const names = new Map<string, string>();
    for (const key of keys.data?.data ?? []) names.set(key.id, key.name);
    for (const entry of choices.data?.byKey ?? []) {
      if (entry.keyId !== null && !names.has(entry.keyId)) names.set(entry.keyId, entry.keyName ?? entry.keyId);
    }
    return [...names.entries()].map(([id, name]) => ({ id, name }));
  }, [keys.data, choices.data]);

  const chartData = useMemo(
    () => (summary.data ? stackByDay(summary.data.byDay, { from: search.from, to: search.to, metric }) : null),
    [summary.data, search.from, search.to, metric],
  );
  const formatChartValue = (value: number) =>
    metric === "costMicroUsd" ? formatMoney(Math.round(value), locale) : formatNumber(value, locale);

  const pageNumber = history.previous.length + 1;
  const onFirstPageWithoutHistory = search.cursor !== null && history.previous.length === 0;

  return (
    <Page title={t("title")} description={t("description")}>
      <UsageFilters
        search={search}
        models={models}
        keys={keyChoices}
        onChange={(change) => navigate(withFilter(search, change))}
        onReset={() => navigate(parseUsageSearch(new URLSearchParams(), today))}
      />

      <section className="usage-section" aria-labelledby="usage-totals-heading">
        <h2 id="usage-totals-heading">{t("totalsHeading")}</h2>
        {summary.isPending ? (
          <Loading />
        ) : summary.isError ? (
          <ErrorState error={summary.error} title={t("loadFailed")} onRetry={() => void summary.refetch()} />
        ) : (
          <Totals totals={summary.data.totals} />
        )}
      </section>

      <section className="usage-section" aria-label={metric === "costMicroUsd" ? t("chartCost") : t("chartRequests")}>
        <div className="usage-toolbar">
          <div role="group" aria-label={t("chartShow")} className="usage-toggle">
            <button type="button" aria-pressed={metric === "costMicroUsd"} onClick={() => setMetric("costMicroUsd")}>
              {t("chartShowCost")}
            </button>
            <button type="button" aria-pressed={metric === "requests"} onClick={() => setMetric("requests")}>
              {t("chartShowRequests")}
            </button>
          </div>
        </div>
        {summary.isPending ? (
          <Loading />
        ) : summary.isError || chartData === null ? null : (
          <StackedUsageChart
            testId="usage-chart"
            data={chartData}
            title={metric === "costMicroUsd" ? t("chartCost") : t("chartRequests")}
            formatValue={formatChartValue}
          />
        )}
      </section>

      <section className="usage-section" aria-labelledby="usage-requests-heading">
        <div className="usage-toolbar">
          <h2 id="usage-requests-heading">{t("requests")}</h2>
          <button
            type="button"
            data-testid="usage-csv"
            onClick={() => csv.mutate()}
            disabled={csv.isPending}
            aria-busy={csv.isPending}
          >
            {csv.isPending ? t("csvWorking") : t("csv")}
          </button>
        </div>
        {csv.isError ? <ErrorState error={csv.error} title={t("csvFailed")} /> : null}
        {events.isPending ? (
          <Loading />
        ) : events.isError ? (
          <ErrorState error={events.error} title={t("loadFailed")} onRetry={() => void events.refetch()} />
        ) : events.data.data.length === 0 ? (
          <p className="usage-empty">{hasNarrowingFilter(search) ? t("empty") : t("emptyNoFilter")}</p>
        ) : (
          <div aria-busy={events.isPlaceholderData}>
            <UsageTable events={events.data.data} />
          </div>
        )}
        <nav className="usage-paging" aria-label={t("paging")}>
          {history.previous.length > 0 ? (
            <button
              type="button"
              data-testid="usage-previous-page"
              onClick={() => {
                const back = previousPage(history);
                navigate({ ...search, cursor: back.cursor }, back.history);
              }}
            >
              {t("newer")}
            </button>
          ) : onFirstPageWithoutHistory ? (
            <button type="button" data-testid="usage-first-page" onClick={() => navigate({ ...search, cursor: null })}>
              {t("firstPage")}
            </button>
          ) : null}
          {/* After a reload deep in the pages the way back is lost, and with it the page's number. */}
          {(search.cursor !== null && !onFirstPageWithoutHistory) ||
          (search.cursor === null && events.data?.nextCursor) ? (
            <span className="usage-page-number">{t("pageNumber", { page: formatNumber(pageNumber, locale) })}</span>
          ) : null}
          {events.data?.nextCursor && !events.isPlaceholderData ? (
            <button
              type="button"
              data-testid="usage-next-page"
              onClick={() => {
                const cursor = events.data.nextCursor;
                if (cursor === null) return;
                const forward = nextPage(search.cursor, history, cursor);
                navigate({ ...search, cursor: forward.cursor }, forward.history);
              }}
            >
              {t("older")}
            </button>
          ) : null}
        </nav>
      </section>
    </Page>
  );
}

function Totals({ totals }: { totals: UsageTotals }) {
  const t = useMessages(usageMessages);
  const { locale } = useLocale();
  const items: Array<[string, string]> = [
    [t("requests"), formatNumber(totals.requests, locale)],
    [t("cost"), formatMoney(totals.costMicroUsd, locale)],
    [t("inputTokens"), formatTokens(totals.inputTokens, locale)],
    [t("outputTokens"), formatTokens(totals.outputTokens, locale)],
    [t("cachedTokens"), formatTokens(totals.cachedTokens, locale)],
    [t("reasoningTokens"), formatTokens(totals.reasoningTokens, locale)],
  ];
  return (
    <dl className="usage-totals" data-testid="usage-totals">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
