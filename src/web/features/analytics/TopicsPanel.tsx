import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TopicsAnalytics } from '../../../contracts/analytics.schemas.ts';
import { useWorkspaceTimeZone } from './queries.ts';
import { formatChange, formatCount, formatInstant, formatRate } from './format.ts';
import { DataTable, Kpi, LazyChart, type Column } from './parts.tsx';

type Term = TopicsAnalytics['words'][number];
type Rising = TopicsAnalytics['rising'][number];
type Unmatched = TopicsAnalytics['unmatched'][number];

/**
 * What customers ask: frequent words and phrases of the latest customer texts, rising topics against the previous
 * period, automation's unmatched questions. Every word is customer content: shown as text, never as HTML.
 */
export function TopicsPanel({ data }: { data: TopicsAnalytics }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const timeZone = useWorkspaceTimeZone().data ?? data.range.timeZone;
  const count = (n: number) => formatCount(n, locale);
  const rate = (r: number | null) => formatRate(r, locale);
  const L = (k: string) => t(`analytics.topics.${k}`);

  const top = useMemo(() => data.words.slice(0, 15).reverse(), [data.words]);
  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatCount(Number(v), locale) },
      grid: { left: 120, right: 24, top: 8, bottom: 28 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: top.map((w) => w.label) },
      series: [{ name: t('analytics.topics.messages'), type: 'bar', data: top.map((w) => w.messages) }],
    }),
    [top, locale, t],
  );

  const termColumns = (label: string): Column<Term>[] => [
    { label, csv: (w) => w.label, show: (w) => <span data-content>{w.label}</span> },
    { label: L('messages'), csv: (w) => w.messages, show: (w) => count(w.messages), numeric: true },
    { label: L('share'), csv: (w) => w.share, show: (w) => rate(w.share), numeric: true },
  ];
  const risingColumns: Column<Rising>[] = [
    { label: L('term'), csv: (w) => w.label, show: (w) => <span data-content>{w.label}</span> },
    { label: L('messages'), csv: (w) => w.messages, show: (w) => count(w.messages), numeric: true },
    { label: L('share'), csv: (w) => w.share, show: (w) => rate(w.share), numeric: true },
    {
      label: L('previousShare'),
      csv: (w) => w.previousShare,
      show: (w) => rate(w.previousShare),
      numeric: true,
    },
    {
      label: L('change'),
      csv: (w) => w.change,
      show: (w) => formatChange(w.change, 'points', locale, t('analytics.points')),
      numeric: true,
    },
  ];
  const unmatchedColumns: Column<Unmatched>[] = [
    { label: L('question'), csv: (u) => u.sample, show: (u) => <span data-content>{u.sample}</span> },
    { label: L('count'), csv: (u) => u.count, show: (u) => count(u.count), numeric: true },
    {
      label: L('lastSeen'),
      csv: (u) => u.lastSeenAt,
      show: (u) => formatInstant(u.lastSeenAt, locale, timeZone),
    },
  ];

  return (
    <section className="analytics-section" aria-labelledby="analytics-topics" data-panel="topics">
      <h2 id="analytics-topics">{L('title')}</h2>
      <p className="small muted">{t('analytics.topics.intro', { limit: count(data.sampleLimit) })}</p>
      <div className="kpi-grid">
        <Kpi name="topics-sampled" label={L('sampled')} value={count(data.sampled)} current={data.sampled} />
        <Kpi
          name="topics-inbound"
          label={L('inbound')}
          value={count(data.inbound)}
          current={data.inbound}
          previous={data.previous?.inbound}
          format={count}
        />
      </div>
      {top.length > 0 && (
        <LazyChart option={option} label={L('chart')} height={Math.max(160, top.length * 22)} />
      )}
      <DataTable
        name="topic-words"
        caption={L('words')}
        columns={termColumns(L('term'))}
        rows={data.words}
        range={data.range}
        rowKey={(w) => w.term}
      />
      <DataTable
        name="topic-phrases"
        caption={L('phrases')}
        columns={termColumns(L('phrase'))}
        rows={data.phrases}
        range={data.range}
        rowKey={(w) => w.term}
      />
      <DataTable
        name="topic-rising"
        caption={L('rising')}
        columns={risingColumns}
        rows={data.rising}
        range={data.range}
        rowKey={(w) => w.term}
      />
      <DataTable
        name="topic-unmatched"
        caption={L('unmatched')}
        columns={unmatchedColumns}
        rows={data.unmatched}
        range={data.range}
        rowKey={(u) => u.normalized}
      />
    </section>
  );
}
