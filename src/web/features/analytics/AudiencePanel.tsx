import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { AudienceAnalytics } from '../../../contracts/analytics.schemas.ts';
import { formatCount, formatInstant, formatRate } from './format.ts';
import { DataTable, Kpi, LazyChart, type Column } from './parts.tsx';

type Tier = AudienceAnalytics['tiers'][number] & { atStart: number; atEnd: number };
type Tag = AudienceAnalytics['tags'][number];

/** Who they are: contacts by activity tier and top tags (now), opt-out and unreachable-number rates (the range). */
export function AudiencePanel({ data }: { data: AudienceAnalytics }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const count = (n: number) => formatCount(n, locale);
  const rate = (r: number | null) => formatRate(r, locale);
  const L = (k: string) => t(`analytics.audience.${k}`);
  const prev = data.previous;

  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatCount(Number(v), locale) },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: data.tiers.map((x) => t(`analytics.audience.tiers.${x.tier}`)) },
      yAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { formatter: (v: number) => formatCount(v, locale) },
      },
      series: [
        {
          name: t('analytics.audience.atStart'),
          type: 'bar',
          data: data.tiersOverRange.tiers.map((x) => x.atStart),
        },
        {
          name: t('analytics.audience.atEnd'),
          type: 'bar',
          data: data.tiersOverRange.tiers.map((x) => x.atEnd),
        },
        { name: t('analytics.audience.now'), type: 'bar', data: data.tiers.map((x) => x.contacts) },
      ],
    }),
    [data.tiers, data.tiersOverRange, locale, t],
  );
  const tierRows: Tier[] = data.tiers.map((x) => {
    const over = data.tiersOverRange.tiers.find((o) => o.tier === x.tier);
    return { ...x, atStart: over?.atStart ?? 0, atEnd: over?.atEnd ?? 0 };
  });

  const share = (n: number) => (data.contacts === 0 ? null : n / data.contacts);
  const tierColumns: Column<Tier>[] = [
    { label: L('tier'), csv: (x) => x.tier, show: (x) => t(`analytics.audience.tiers.${x.tier}`) },
    { label: L('atStart'), csv: (x) => x.atStart, show: (x) => count(x.atStart), numeric: true },
    { label: L('atEnd'), csv: (x) => x.atEnd, show: (x) => count(x.atEnd), numeric: true },
    { label: L('now'), csv: (x) => x.contacts, show: (x) => count(x.contacts), numeric: true },
    {
      label: t('analytics.topics.share'),
      csv: (x) => share(x.contacts),
      show: (x) => rate(share(x.contacts)),
      numeric: true,
    },
  ];
  const tagColumns: Column<Tag>[] = [
    { label: L('tag'), csv: (x) => x.tag, show: (x) => <span data-content>{x.tag}</span> },
    { label: L('contacts'), csv: (x) => x.contacts, show: (x) => count(x.contacts), numeric: true },
  ];

  return (
    <section className="analytics-section" aria-labelledby="analytics-audience" data-panel="audience">
      <h2 id="analytics-audience">{L('title')}</h2>
      <p className="small muted">{L('intro')}</p>
      <div className="kpi-grid">
        <Kpi
          name="audience-contacts"
          label={L('contacts')}
          value={count(data.contacts)}
          current={data.contacts}
        />
        <Kpi
          name="audience-opt-out-rate"
          label={L('optOutRate')}
          value={rate(data.optOut.rate)}
          current={data.optOut.rate}
          previous={prev === null ? undefined : prev.optOut.rate}
          kind="points"
          hint={L('optOutRateHint')}
        />
        <Kpi
          name="audience-opted-out"
          label={L('optedOut')}
          value={count(data.optOut.optedOut)}
          current={data.optOut.optedOut}
          previous={prev?.optOut.optedOut}
          format={count}
        />
        <Kpi
          name="audience-unreachable-rate"
          label={L('unreachableRate')}
          value={rate(data.unreachable.rate)}
          current={data.unreachable.rate}
          previous={prev === null ? undefined : prev.unreachable.rate}
          kind="points"
          hint={L('unreachableRateHint')}
        />
        <Kpi
          name="audience-unreachable-contacts"
          label={L('unreachableContacts')}
          value={count(data.unreachableContacts)}
          current={data.unreachableContacts}
        />
      </div>
      <p className="small muted" role="note">
        {t('analytics.audience.asOf', { at: formatInstant(data.asOf, locale, data.range.timeZone) })}
      </p>
      <LazyChart option={option} label={L('chart')} height={220} />
      <DataTable
        name="audience-tiers"
        caption={L('tiersTable')}
        columns={tierColumns}
        rows={tierRows}
        range={data.range}
        rowKey={(x) => x.tier}
      />
      <DataTable
        name="audience-tags"
        caption={L('tagsTable')}
        columns={tagColumns}
        rows={data.tags}
        range={data.range}
        rowKey={(x) => x.tag}
      />
    </section>
  );
}
