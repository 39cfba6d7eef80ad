import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { HeatmapAnalytics } from '../../../contracts/analytics.schemas.ts';
import { formatCount, formatHour, weekdayNames } from './format.ts';
import { DataTable, LazyChart, type Column } from './parts.tsx';

type Cell = HeatmapAnalytics['cells'][number];

/** When customers write: inbound messages by local weekday × hour of the workspace's zone, and the cells as a table. */
export function HeatmapPanel({ data }: { data: HeatmapAnalytics }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const days = useMemo(() => weekdayNames(locale), [locale]);
  const hours = useMemo(() => Array.from({ length: 24 }, (_, h) => formatHour(h, locale)), [locale]);
  const max = Math.max(1, ...data.cells.map((c) => c.count));

  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: {
        position: 'top',
        formatter: (p: { value: [number, number, number] }) =>
          `${days[p.value[1]]} ${hours[p.value[0]]}<br/>${t('analytics.heatmap.messages', {
            count: p.value[2],
            value: formatCount(p.value[2], locale),
          })}`,
      },
      grid: { left: 56, right: 16, top: 8, bottom: 64 },
      xAxis: { type: 'category', data: hours, splitArea: { show: true } },
      // Monday on top: ECharts draws the first category at the bottom.
      yAxis: { type: 'category', data: days, inverse: true, splitArea: { show: true } },
      visualMap: {
        min: 0,
        max,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 120,
        formatter: (v: number) => formatCount(Math.round(v), locale),
        inRange: { color: ['#f2f4f7', '#99d5c9', '#0f766e'] },
      },
      series: [
        {
          name: t('analytics.heatmap.title'),
          type: 'heatmap',
          data: data.cells.map((c) => [c.hour, c.weekday - 1, c.count]),
          emphasis: { itemStyle: { borderColor: '#1d2939', borderWidth: 1 } },
        },
      ],
    }),
    [data.cells, days, hours, max, locale, t],
  );

  const columns: Column<Cell>[] = [
    { label: t('analytics.heatmap.weekday'), csv: (c) => c.weekday, show: (c) => days[c.weekday - 1] },
    { label: t('analytics.heatmap.hour'), csv: (c) => c.hour, show: (c) => hours[c.hour] },
    {
      label: t('analytics.messaging.inbound'),
      csv: (c) => c.count,
      show: (c) => formatCount(c.count, locale),
      numeric: true,
    },
  ];
  const busy = data.cells.filter((c) => c.count > 0);

  return (
    <section className="analytics-section" aria-labelledby="analytics-heatmap">
      <h2 id="analytics-heatmap">{t('analytics.heatmap.title')}</h2>
      <p className="small muted">
        {t('analytics.heatmap.total', { value: formatCount(data.total, locale) })}
        {data.previous &&
          ` · ${t('analytics.heatmap.previousTotal', { value: formatCount(data.previous.total, locale) })}`}
      </p>
      <LazyChart option={option} label={t('analytics.heatmap.chart')} height={320} />
      <details className="analytics-details">
        <summary>{t('analytics.heatmap.cells')}</summary>
        <DataTable
          name="heatmap"
          caption={t('analytics.heatmap.cells')}
          columns={columns}
          rows={busy}
          range={data.range}
          rowKey={(c) => `${c.weekday}-${c.hour}`}
        />
      </details>
    </section>
  );
}
