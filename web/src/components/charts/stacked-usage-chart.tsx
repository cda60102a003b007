import { lazy, Suspense, useId } from "react";
import { formatDay, formatNumber } from "../../lib/format";
import { useLocale, useMessages } from "../../lib/i18n";
import { peakDay, seriesValue, type ChartSeries, type StackedUsage } from "../../lib/usage-series";
import { chartMessages } from "./messages";
import "./usage-chart.css";

// Recharts is most of a chart's weight: it loads after the page, while the summary and the table need none of it.
const UsageChartCanvas = lazy(() => import("./usage-chart-canvas"));

interface StackedUsageChartProps {
  data: StackedUsage;
  /** Visible title, also the start of the text alternative. */
  title: string;
  /** Formats a value of the metric (money or a count) for axes, tooltips and the table. */
  formatValue: (value: number) => string;
  testId?: string;
}

/**
 * Bars by day stacked by model (Recharts). The drawing is hidden from assistive technology; a text summary and
 * a table of the same numbers (behind a disclosure) stand in for it.
 */
export function StackedUsageChart({ data, title, formatValue, testId }: StackedUsageChartProps) {
  const t = useMessages(chartMessages);
  const { locale } = useLocale();
  const captionId = useId();
  const seriesName = (entry: ChartSeries) => entry.model ?? t("other");
  const peak = peakDay(data);
  const summary =
    data.total === 0 || peak === null
      ? t("summaryEmpty", { title })
      : t("summary", {
          title,
          total: formatValue(data.total),
          days: formatNumber(data.days.length, locale),
          models: formatNumber(data.series.filter((entry) => entry.model !== null).length, locale),
          peakDay: formatDay(peak.day, locale),
          peakValue: formatValue(peak.value),
        });

  return (
    <figure className="usage-chart" data-testid={testId} aria-labelledby={captionId}>
      <figcaption id={captionId}>{title}</figcaption>
      <p className="visually-hidden">{summary}</p>
      {data.total === 0 ? (
        <p className="usage-chart-empty">{t("empty")}</p>
      ) : (
        <>
          <div className="usage-chart-canvas" aria-hidden="true">
            <Suspense fallback={null}>
              <UsageChartCanvas data={data} formatValue={formatValue} seriesName={seriesName} />
            </Suspense>
          </div>
          <details>
            <summary>{t("showTable")}</summary>
            <div className="chart-table-scroll" role="region" aria-label={t("tableCaption", { title })} tabIndex={0}>
              <table>
                <caption>{t("tableCaption", { title })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("day")}</th>
                    {data.series.map((entry) => (
                      <th scope="col" key={entry.key}>
                        {seriesName(entry)}
                      </th>
                    ))}
                    <th scope="col">{t("total")}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((row) => (
                    <tr key={row.day}>
                      <th scope="row">{formatDay(row.day, locale)}</th>
                      {data.series.map((entry) => (
                        <td key={entry.key}>{formatValue(seriesValue(row, entry.key))}</td>
                      ))}
                      <td>{formatValue(data.series.reduce((sum, entry) => sum + seriesValue(row, entry.key), 0))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </figure>
  );
}
