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

/** The requests of one page: ids, counts, cost and timings, never content. Scrolls sideways on a narrow screen. */
export function UsageTable({ events }: { events: UsageEvent[] }) {
  const t = useMessages(usageMessages);
  const { locale } = useLocale();
  return (
    <div className="usage-table-scroll" role="region" aria-label={t("tableRegion")} tabIndex={0}>
      <table className="usage-table">
        <caption>{t("tableCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("colTime")}</th>
            <th scope="col">{t("colModel")}</th>
            <th scope="col">{t("colProvider")}</th>
            <th scope="col">{t("colKey")}</th>
            <th scope="col" className="numeric">
              {t("colInput")}
            </th>
            <th scope="col" className="numeric">
              {t("colOutput")}
            </th>
            <th scope="col" className="numeric">
              {t("colCached")}
            </th>
            <th scope="col" className="numeric">
              {t("colReasoning")}
            </th>
            <th scope="col" className="numeric">
              {t("colCost")}
            </th>
            <th scope="col" className="numeric">
              {t("colLatency")}
            </th>
            <th scope="col">{t("colStatus")}</th>
            <th scope="col">{t("colCacheHit")}</th>
            <th scope="col">{t("colRequestId")}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.requestId} data-testid="usage-row" data-request-id={event.requestId}>
              <td>
                <time dateTime={event.createdAt}>{formatDateTime(event.createdAt, locale)}</time>
              </td>
              <td>
                <code>{event.model}</code>
              </td>
              <td>{event.provider}</td>
              <td>{keyLabel(t, event)}</td>
              <td className="numeric">{formatTokens(event.inputTokens, locale)}</td>
              <td className="numeric">{formatTokens(event.outputTokens, locale)}</td>
              <td className="numeric">{formatTokens(event.cachedTokens, locale)}</td>
              <td className="numeric">{formatTokens(event.reasoningTokens, locale)}</td>
              <td className="numeric">{formatMoney(event.costMicroUsd, locale)}</td>
              <td className="numeric">{formatMilliseconds(event.latencyMs, locale)}</td>
              <td className={`usage-status usage-status-${event.status}`}>
                {event.status === "ok"
                  ? statusLabel(t, event.status)
                  : t("statusWithCode", { status: statusLabel(t, event.status), code: event.httpStatus })}
              </td>
              <td>{event.cacheHit ? t("yes") : t("no")}</td>
              <td>
                <code>{event.requestId}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
