import type { ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Link } from "react-router";
import { StackedUsageChart } from "../../../components/charts/stacked-usage-chart";
import { DataTable, type DataColumn } from "../../../components/ui/data-table";
import { ErrorState, Loading } from "../../../components/ui/states";
import { Page } from "../../../components/ui/page";
import { paths } from "../../../config/paths";
import { useApi } from "../../../lib/api-context";
import type { UsageEvent, UsageStatus, UsageSummary } from "../../../lib/api-types";
import { formatDateTime, formatMoney, formatNumber } from "../../../lib/format";
import { useLocale, useMessages } from "../../../lib/i18n";
import { dayRangeFilter, lastDays, stackByDay, topN, utcDay } from "../../../lib/usage-series";
import { overviewMessages } from "../messages";
import "../overview.css";

type OverviewT = ReturnType<typeof useMessages<keyof (typeof overviewMessages)["en"]>>;

const TOP_COUNT = 5;
const RECENT_COUNT = 5;

function planLabel(t: OverviewT, plan: string): string {
  switch (plan) {
    case "free":
      return t("planFree");
    case "pro":
      return t("planPro");
    case "team":
      return t("planTeam");
    case "internal":
      return t("planInternal");
    default:
      return plan;
  }
}

function statusLabel(t: OverviewT, status: UsageStatus): string {
  return status === "ok" ? t("statusOk") : status === "error" ? t("statusError") : t("statusCancelled");
}

function keyLabel(t: OverviewT, keyId: string | null, keyName: string | null): string {
  if (keyId === null) return t("deletedKey");
  return keyName ?? t("unnamedKey");
}

export function OverviewPage() {
  const t = useMessages(overviewMessages);
  const { locale } = useLocale();
  const api = useApi();
  const [range] = useState(() => lastDays(utcDay(new Date()), 30));
  const filter = useMemo(() => dayRangeFilter(range.from, range.to), [range]);

  const account = useQuery({ queryKey: ["account"], queryFn: ({ signal }) => api.getAccount({ signal }) });
  const summary = useQuery({
    queryKey: ["usage", "summary", filter],
    queryFn: ({ signal }) => api.getUsageSummary(filter, { signal }),
  });
  // Only for the taka rate, configured with the catalog's prices.
  const catalog = useQuery({
    queryKey: ["models", "catalog"],
    queryFn: ({ signal }) => api.getModelCatalog({ signal }),
  });
  const bdtPerUsd = catalog.data?.bdtPerUsd ?? null;
  const recent = useQuery({
    queryKey: ["usage", "events", filter, null, RECENT_COUNT],
    queryFn: ({ signal }) => api.listUsageEvents({ ...filter, limit: RECENT_COUNT }, { signal }),
  });

  return (
    <Page title={t("title")} description={t("description")}>
      <section className="overview-cards" aria-label={t("accountHeading")}>
        <div className="overview-card">
          <h2>{t("balance")}</h2>
          {account.isPending ? (
            <Loading />
          ) : account.isError ? (
            <ErrorState error={account.error} title={t("accountFailed")} onRetry={() => void account.refetch()} />
          ) : (
            <>
              <p className="overview-figure" data-testid="overview-balance">
                {formatMoney(account.data.balanceMicroUsd, locale)}
              </p>
              {bdtPerUsd === null ? null : (
                <p className="overview-hint">
                  {t("balanceTaka", {
                    amount: formatMoney(account.data.balanceMicroUsd, locale, { currency: "BDT", bdtPerUsd }),
                    rate: formatMoney(1_000_000, locale, { currency: "BDT", bdtPerUsd }),
                  })}
                </p>
              )}
              <p className="overview-hint">{t("balanceHint")}</p>
            </>
          )}
        </div>
        <div className="overview-card">
          <h2>{t("plan")}</h2>
          {account.isPending ? (
            <Loading />
          ) : account.isError ? null : (
            <>
              <p className="overview-figure">{planLabel(t, account.data.plan)}</p>
              <p className="overview-hint" data-testid="overview-plan-limits">
                {t("planLimits", {
                  requests: formatNumber(account.data.planLimits.requestsPerMinute, locale),
                  tokens: formatNumber(account.data.planLimits.tokensPerMinute, locale),
                  concurrent: formatNumber(account.data.planLimits.concurrentRequests, locale),
                })}
              </p>
            </>
          )}
        </div>
        <div className="overview-card">
          <h2>{t("spend30")}</h2>
          {summary.isPending ? (
            <Loading />
          ) : summary.isError ? null : (
            <p className="overview-figure">{formatMoney(summary.data.totals.costMicroUsd, locale)}</p>
          )}
        </div>
        <div className="overview-card">
          <h2>{t("requests30")}</h2>
          {summary.isPending ? (
            <Loading />
          ) : summary.isError ? null : (
            <p className="overview-figure">{formatNumber(summary.data.totals.requests, locale)}</p>
          )}
        </div>
      </section>

      <section className="overview-section" aria-labelledby="overview-charts-heading" data-testid="overview-chart">
        <h2 id="overview-charts-heading">{t("chartsHeading")}</h2>
        {summary.isPending ? (
          <Loading />
        ) : summary.isError ? (
          <ErrorState error={summary.error} title={t("loadFailed")} onRetry={() => void summary.refetch()} />
        ) : summary.data.totals.requests === 0 ? (
          <div className="overview-empty">
            <p>{t("noUsage")}</p>
            <p>{t("noUsageHint")}</p>
            <p>
              <Link to={paths.keys}>{t("createKey")}</Link>
            </p>
          </div>
        ) : (
          <SummaryCharts summary={summary.data} from={range.from} to={range.to} />
        )}
      </section>

      {summary.data && summary.data.totals.requests > 0 ? <TopLists summary={summary.data} /> : null}

      <section className="overview-section" aria-labelledby="overview-recent-heading">
        <h2 id="overview-recent-heading">{t("recent")}</h2>
        {recent.isPending ? (
          <Loading />
        ) : recent.isError ? (
          <ErrorState error={recent.error} title={t("loadFailed")} onRetry={() => void recent.refetch()} />
        ) : recent.data.data.length === 0 ? (
          <p className="overview-hint">{t("noUsage")}</p>
        ) : (
          <RecentRequests events={recent.data.data.slice(0, RECENT_COUNT)} />
        )}
        <p>
          <Link to={paths.usage}>{t("seeAllUsage")}</Link>
        </p>
      </section>
    </Page>
  );
}

function SummaryCharts({ summary, from, to }: { summary: UsageSummary; from: string; to: string }) {
  const t = useMessages(overviewMessages);
  const { locale } = useLocale();
  const spend = useMemo(() => stackByDay(summary.byDay, { from, to, metric: "costMicroUsd" }), [summary, from, to]);
  const requests = useMemo(() => stackByDay(summary.byDay, { from, to, metric: "requests" }), [summary, from, to]);
  return (
    <div className="overview-charts">
      <StackedUsageChart
        data={spend}
        title={t("chartSpend")}
        formatValue={(value) => formatMoney(Math.round(value), locale)}
      />
      <StackedUsageChart
        data={requests}
        title={t("chartRequests")}
        formatValue={(value) => formatNumber(value, locale)}
      />
    </div>
  );
}

function TopLists({ summary }: { summary: UsageSummary }) {
  const t = useMessages(overviewMessages);
  const models = topN(summary.byModel, TOP_COUNT, (entry) => entry.costMicroUsd);
  const keys = topN(summary.byKey, TOP_COUNT, (entry) => entry.costMicroUsd);
  return (
    <div className="overview-top">
      <TopTable
        id="overview-top-models"
        title={t("topModels")}
        caption={t("topModelsCaption")}
        nameColumn={t("colModel")}
        rows={models.top.map((entry) => ({ key: entry.model, name: <code>{entry.model}</code>, ...entry }))}
        more={models.more}
      />
      <TopTable
        id="overview-top-keys"
        title={t("topKeys")}
        caption={t("topKeysCaption")}
        nameColumn={t("colKey")}
        rows={keys.top.map((entry) => ({
          key: entry.keyId ?? "deleted",
          name: keyLabel(t, entry.keyId, entry.keyName),
          ...entry,
        }))}
        more={keys.more}
      />
    </div>
  );
}

/** One "top N" table (by cost) with its "and N more" line. */
function TopTable(props: {
  id: string;
  title: string;
  caption: string;
  nameColumn: string;
  rows: Array<{ key: string; name: ReactNode; requests: number; costMicroUsd: number }>;
  more: number;
}) {
  const t = useMessages(overviewMessages);
  const { locale } = useLocale();
  return (
    <section className="overview-section" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      <div className="overview-table-scroll" role="region" aria-label={props.caption} tabIndex={0}>
        <table className="overview-table">
          <caption className="visually-hidden">{props.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{props.nameColumn}</th>
              <th scope="col" className="numeric">
                {t("colRequests")}
              </th>
              <th scope="col" className="numeric">
                {t("colCost")}
              </th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.name}</th>
                <td className="numeric">{formatNumber(row.requests, locale)}</td>
                <td className="numeric">{formatMoney(row.costMicroUsd, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.more > 0 ? (
        <p className="overview-hint">{t("andMore", { count: formatNumber(props.more, locale) })}</p>
      ) : null}
    </section>
  );
}

function RecentRequests({ events }: { events: UsageEvent[] }) {
  const t = useMessages(overviewMessages);
  const { locale } = useLocale();
  const columns: Array<DataColumn<UsageEvent>> = [
    {
      id: "time",
      header: t("colTime"),
      cell: (event) => <time dateTime={event.createdAt}>{formatDateTime(event.createdAt, locale)}</time>,
    },
    { id: "model", header: t("colModel"), cell: (event) => <code>{event.model}</code> },
    { id: "key", header: t("colKey"), cell: (event) => keyLabel(t, event.keyId, event.keyName) },
    { id: "status", header: t("colStatus"), cell: (event) => statusLabel(t, event.status) },
    { id: "cost", header: t("colCost"), numeric: true, cell: (event) => formatMoney(event.costMicroUsd, locale) },
  ];
  return (
    <DataTable
      caption={t("recentCaption")}
      columns={columns}
      rows={events}
      rowKey={(event) => event.requestId}
      rowAttributes={(event) => ({ "data-request-id": event.requestId })}
    />
  );
}
