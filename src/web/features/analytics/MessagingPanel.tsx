import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessagingAnalytics } from '../../../contracts/analytics.schemas.ts';
import { formatCount, formatDay, formatRate } from './format.ts';
import { DataTable, Kpi, LazyChart, type Column } from './parts.tsx';

type Day = MessagingAnalytics['series'][number];
type Failure = MessagingAnalytics['failures'][number];

/** Messaging: headline counts and rates with their change, the days as a chart and a table, failures by code. */
export function MessagingPanel({ data }: { data: MessagingAnalytics }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const cur = data.totals;
  const prev = data.previous?.totals;
  const count = (n: number) => formatCount(n, locale);
  const rate = (r: number | null) => formatRate(r, locale);
  const L = (k: string) => t(`analytics.messaging.${k}`);

  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatCount(Number(v), locale) },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: data.series.map((d) => formatDay(d.date, locale)) },
      yAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { formatter: (v: number) => formatCount(v, locale) },
      },
      series: (['sent', 'delivered', 'read', 'failed'] as const).map((k) => ({
        name: t(`analytics.messaging.${k}`),
        type: k === 'failed' ? 'bar' : 'line',
        data: data.series.map((d) => d[k]),
        ...(k === 'failed' ? { itemStyle: { color: '#b42318' } } : { smooth: false, symbolSize: 5 }),
      })),
    }),
    [data.series, locale, t],
  );

  /** The error's meaning in the reader's language when the console knows the code, else Meta's English title. */
  const knownTitle = (f: Failure) =>
    i18n.exists(`analytics.errorTitles.${f.code === null ? 'none' : `c${f.code}`}`);
  const errorTitle = (f: Failure) =>
    knownTitle(f) ? t(`analytics.errorTitles.${f.code === null ? 'none' : `c${f.code}`}`) : f.title;

  const dayColumns: Column<Day>[] = [
    { label: t('analytics.date'), csv: (d) => d.date, show: (d) => formatDay(d.date, locale) },
    ...(['sent', 'delivered', 'read', 'failed', 'replied', 'inbound'] as const).map((k): Column<Day> => ({
      label: L(k),
      csv: (d) => d[k],
      show: (d) => count(d[k]),
      numeric: true,
    })),
    ...(['deliveryRate', 'readRate', 'replyRate'] as const).map((k): Column<Day> => ({
      label: L(k),
      csv: (d) => d[k],
      show: (d) => rate(d[k]),
      numeric: true,
    })),
  ];
  const failureColumns: Column<Failure>[] = [
    { label: t('analytics.messaging.errorCode'), csv: (f) => f.code, show: (f) => f.code ?? '—' },
    {
      label: t('analytics.messaging.errorTitle'),
      csv: (f) => errorTitle(f),
      show: (f) => (knownTitle(f) ? errorTitle(f) : <span data-content>{f.title}</span>),
    },
    {
      label: t('analytics.messaging.errorCategory'),
      csv: (f) => f.category,
      show: (f) => (f.category ? t(`analytics.category.${f.category}`) : '—'),
    },
    { label: L('failed'), csv: (f) => f.failed, show: (f) => count(f.failed), numeric: true },
  ];

  return (
    <section className="analytics-section" aria-labelledby="analytics-messaging">
      <h2 id="analytics-messaging">{t('analytics.messaging.title')}</h2>
      <div className="kpi-grid">
        {(['sent', 'delivered', 'read', 'failed', 'inbound'] as const).map((k) => (
          <Kpi
            key={k}
            name={k}
            label={L(k)}
            value={count(cur[k])}
            current={cur[k]}
            previous={prev?.[k]}
            format={count}
          />
        ))}
        {(['deliveryRate', 'readRate', 'replyRate'] as const).map((k) => (
          <Kpi
            key={k}
            name={k}
            label={L(k)}
            value={rate(cur[k])}
            current={cur[k]}
            previous={prev === undefined ? undefined : prev[k]}
            kind="points"
            hint={L(`${k}Hint`)}
          />
        ))}
      </div>
      <LazyChart option={option} label={t('analytics.messaging.chart')} />
      <DataTable
        name="messaging-days"
        caption={t('analytics.messaging.byDay')}
        columns={dayColumns}
        rows={data.series}
        range={data.range}
        rowKey={(d) => d.date}
      />
      <DataTable
        name="failures"
        caption={t('analytics.messaging.failures')}
        columns={failureColumns}
        rows={data.failures}
        range={data.range}
        rowKey={(f) => String(f.code)}
      />
    </section>
  );
}
