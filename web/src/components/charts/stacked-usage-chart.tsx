import { useId } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDay, formatNumber } from "../../lib/format";
import { useLocale, useMessages } from "../../lib/i18n";
import { peakDay, seriesValue, type ChartSeries, type StackedUsage } from "../../lib/usage-series";
import { chartMessages } from "./messages";
import "./usage-chart.css";

const PALETTE = ["#2f5bd3", "#d9772b", "#23958a", "#c2417a", "#8a6fd1", "#7d8f2a", "#b35a3c", "#3d8fc6"];
const OTHER_COLOR = "#8b929c";

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
  // Legend and tooltip list the series in stacking order (largest first, "other" last), not alphabetically.
  const order = new Map(data.series.map((entry, index) => [entry.key, index]));
  const sortBySeries = (item: { dataKey?: unknown }) => order.get(String(item.dataKey)) ?? order.size;
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
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={data.rows} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
                <CartesianGrid vertical={false} strokeOpacity={0.3} />
                <XAxis
                  dataKey="day"
                  tickFormatter={(day: string) => formatDay(day, locale, { style: "short" })}
                  minTickGap={12}
                  tick={{ fill: "currentColor", fontSize: 12 }}
                />
                <YAxis
                  tickFormatter={(value: number) => formatValue(value)}
                  width={80}
                  tick={{ fill: "currentColor", fontSize: 12 }}
                />
                <Tooltip
                  labelFormatter={(day) => formatDay(String(day), locale)}
                  formatter={(value) => (typeof value === "number" ? formatValue(value) : String(value))}
                  contentStyle={{ color: "#1b1d21" }}
                  itemSorter={sortBySeries}
                />
                <Legend itemSorter={sortBySeries} />
                {data.series.map((entry, index) => (
                  <Bar
                    key={entry.key}
                    dataKey={entry.key}
                    name={seriesName(entry)}
                    stackId="usage"
                    fill={entry.model === null ? OTHER_COLOR : PALETTE[index % PALETTE.length]}
                    isAnimationActive={false}
                  />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
          <details>
            <summary>{t("showTable")}</summary>
            <div className="chart-table-scroll" role="region" aria-label={title} tabIndex={0}>
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
