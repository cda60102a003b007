import { DataTable, type DataColumn } from "../../../components/ui/data-table";
import type { UsageEvent, UsageStatus } from "../../../lib/api-types";
import { formatDateTime, formatMilliseconds, formatMoney, formatTokens } from "../../../lib/format";
import { useLocale, useMessages } from "../../../lib/i18n";
import { usageMessages } from "../messages";

type UsageT = ReturnType<typeof useMessages<keyof (typeof usageMessages)["en"]>>;

export function statusLabel(t: UsageT, status: UsageStatus): string {
  return status === "ok" ? t("statusOk") : status === "error" ? t("statusError") : t("statusCancelled");
}

export function keyLabel(t: UsageT, event: Pick<UsageEvent, "keyId" | "keyName">): string {
  if (event.keyId === null) return t("deletedKey");
  return event.keyName ?? t("unnamedKey");
}

/**
 * The requests of one page: ids, counts, cost and timings, never content. A table on a wide screen, one card per
 * request on a phone (components/ui/data-table.tsx).
 */
export function UsageTable({ events }: { events: UsageEvent[] }) {
  const t = useMessages(usageMessages);
  const { locale } = useLocale();
  const columns: Array<DataColumn<UsageEvent>> = [
    {
      id: "time",
      header: t("colTime"),
      cell: (event) => <time dateTime={event.createdAt}>{formatDateTime(event.createdAt, locale)}</time>,
    },
    { id: "model", header: t("colModel"), cell: (event) => <code>{event.model}</code> },
    { id: "provider", header: t("colProvider"), cell: (event) => event.provider },
    { id: "key", header: t("colKey"), cell: (event) => keyLabel(t, event) },
    { id: "input", header: t("colInput"), numeric: true, cell: (event) => formatTokens(event.inputTokens, locale) },
    { id: "output", header: t("colOutput"), numeric: true, cell: (event) => formatTokens(event.outputTokens, locale) },
    { id: "cached", header: t("colCached"), numeric: true, cell: (event) => formatTokens(event.cachedTokens, locale) },
    {
      id: "reasoning",
      header: t("colReasoning"),
      numeric: true,
      cell: (event) => formatTokens(event.reasoningTokens, locale),
    },
    { id: "cost", header: t("colCost"), numeric: true, cell: (event) => formatMoney(event.costMicroUsd, locale) },
    {
      id: "latency",
      header: t("colLatency"),
      numeric: true,
      cell: (event) => formatMilliseconds(event.latencyMs, locale),
    },
    {
      id: "status",
      header: t("colStatus"),
      cellClassName: (event) => `usage-status usage-status-${event.status}`,
      cell: (event) =>
        event.status === "ok"
          ? statusLabel(t, event.status)
          : t("statusWithCode", { status: statusLabel(t, event.status), code: event.httpStatus }),
    },
    { id: "cache-hit", header: t("colCacheHit"), cell: (event) => (event.cacheHit ? t("yes") : t("no")) },
    { id: "request-id", header: t("colRequestId"), cell: (event) => <code>{event.requestId}</code> },
  ];
  return (
    <DataTable
      className="usage-table-scroll"
      caption={t("tableCaption")}
      captionVisible
      regionLabel={t("tableRegion")}
      columns={columns}
      rows={events}
      rowKey={(event) => event.requestId}
      rowAttributes={(event) => ({ "data-testid": "usage-row", "data-request-id": event.requestId })}
    />
  );
}
