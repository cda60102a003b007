import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDay } from "../../lib/format";
import { useLocale } from "../../lib/i18n";
import type { ChartSeries, StackedUsage } from "../../lib/usage-series";

const PALETTE = ["#2f5bd3", "#d9772b", "#23958a", "#c2417a", "#8a6fd1", "#7d8f2a", "#b35a3c", "#3d8fc6"];
const OTHER_COLOR = "#8b929c";

interface UsageChartCanvasProps {
  data: StackedUsage;
  formatValue: (value: number) => string;
  seriesName: (entry: ChartSeries) => string;
}

/** The drawing of a stacked usage chart (Recharts), loaded on demand by StackedUsageChart. */
export default function UsageChartCanvas({ data, formatValue, seriesName }: UsageChartCanvasProps) {
  const { locale } = useLocale();
  // Legend and tooltip list the series in stacking order (largest first, "other" last), not alphabetically.
  const order = new Map(data.series.map((entry, index) => [entry.key, index]));
  const sortBySeries = (item: { dataKey?: unknown }) => order.get(String(item.dataKey)) ?? order.size;
  return (
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
  );
}
