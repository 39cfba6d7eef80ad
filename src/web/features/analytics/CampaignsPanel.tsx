import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { CampaignsAnalytics, FunnelCounts } from '../../../contracts/analytics.schemas.ts';
import { formatChange, formatCount, formatMoney, formatRate } from './format.ts';
import { DataTable, Kpi, LazyChart, type Column } from './parts.tsx';

type Campaign = CampaignsAnalytics['campaigns'][number];
type Earnings = Omit<Campaign, 'campaignId' | 'name' | 'status' | 'variants' | 'variantLift'>;
/** A table row: a campaign as a whole, or one of its A/B variants. */
interface Row extends Earnings {
  key: string;
  name: string;
  variant: 'a' | 'b' | null;
  template: string | null;
  lift: number | null;
}

const STEPS = ['sent', 'delivered', 'read', 'clicked', 'replied', 'converted'] as const;

/** The table's rows: each campaign, followed by its variants when it has two (an A/B test). */
function rowsOf(campaigns: readonly Campaign[]): Row[] {
  return campaigns.flatMap((c) => {
    const whole: Row = {
      ...c,
      key: c.campaignId,
      variant: null,
      template: c.variants.length === 1 ? (c.variants[0]?.template ?? null) : null,
      lift: c.variantLift?.conversionRate ?? null,
    };
    if (c.variants.length < 2) return [whole];
    return [
      whole,
      ...c.variants.map((v): Row => ({
        ...v,
        key: `${c.campaignId}:${v.variant}`,
        name: c.name,
        lift: null,
      })),
    ];
  });
}

/** What campaigns earn: the funnel of the recipients released in the range, revenue, cost, CPA; A/B variants. */
export function CampaignsPanel({ data }: { data: CampaignsAnalytics }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const count = (n: number) => formatCount(n, locale);
  const rate = (r: number | null) => formatRate(r, locale);
  const L = (k: string) => t(`analytics.campaigns.${k}`);
  const prev = data.previous?.totals;
  const money = (list: Earnings['revenue']) =>
    list.map((r) => formatMoney(r.amount, r.currency, locale)).join(' / ') || '—';

  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatCount(Number(v), locale) },
      legend: { top: 0, type: 'plain' },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: STEPS.map((k) => t(`analytics.campaigns.${k}`)) },
      yAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { formatter: (v: number) => formatCount(v, locale) },
      },
      series: data.campaigns.slice(0, 6).map((c) => ({
        name: c.name,
        type: 'bar',
        data: STEPS.map((k) => c.funnel[k]),
      })),
    }),
    [data.campaigns, locale, t],
  );

  const columns: Column<Row>[] = [
    { label: L('campaign'), csv: (r) => r.name, show: (r) => <span data-content>{r.name}</span> },
    {
      label: L('variant'),
      csv: (r) => r.variant ?? '',
      show: (r) =>
        r.variant
          ? t('analytics.campaigns.variantName', { variant: r.variant.toUpperCase() })
          : L('allVariants'),
    },
    {
      label: L('template'),
      csv: (r) => r.template,
      show: (r) => <span className="mono">{r.template ?? '—'}</span>,
    },
    ...STEPS.map((k): Column<Row> => ({
      label: L(k),
      csv: (r) => r.funnel[k],
      show: (r) => count(r.funnel[k]),
      numeric: true,
    })),
    {
      label: L('conversionRate'),
      csv: (r) => r.rates.conversionRate,
      show: (r) => rate(r.rates.conversionRate),
      numeric: true,
    },
    {
      label: L('revenue'),
      csv: (r) => r.revenue.map((m) => `${m.amount} ${m.currency}`).join('; '),
      show: (r) => money(r.revenue),
      numeric: true,
    },
    {
      label: L('cost'),
      csv: (r) => r.cost.total,
      show: (r) => formatMoney(r.cost.total, r.cost.currency, locale),
      numeric: true,
    },
    {
      label: L('cpa'),
      csv: (r) => r.costPerAcquisition,
      show: (r) =>
        r.costPerAcquisition === null ? '—' : formatMoney(r.costPerAcquisition, r.cost.currency, locale),
      numeric: true,
    },
    {
      label: L('lift'),
      csv: (r) => r.lift,
      show: (r) => (r.lift === null ? '—' : formatChange(r.lift, 'points', locale, t('analytics.points'))),
      numeric: true,
    },
  ];

  const kpi = (k: keyof FunnelCounts) => (
    <Kpi
      key={k}
      name={`campaigns-${k}`}
      label={L(k)}
      value={count(data.totals[k])}
      current={data.totals[k]}
      previous={prev?.[k]}
      format={count}
    />
  );

  return (
    <section className="analytics-section" aria-labelledby="analytics-campaigns" data-panel="campaigns">
      <h2 id="analytics-campaigns">{L('title')}</h2>
      <p className="small muted">{L('intro')}</p>
      <div className="kpi-grid">{STEPS.map(kpi)}</div>
      {data.campaigns.length > 0 ? (
        <LazyChart option={option} label={L('chart')} />
      ) : (
        <p className="list-status">{L('none')}</p>
      )}
      <DataTable
        name="campaigns"
        caption={L('table')}
        columns={columns}
        rows={rowsOf(data.campaigns)}
        range={data.range}
        rowKey={(r) => r.key}
      />
    </section>
  );
}
