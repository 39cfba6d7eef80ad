import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { CampaignStatus } from '../../../contracts/campaign.schemas.ts';
import { Link } from '../../app/router.tsx';
import { formatCount, formatRate } from '../analytics/format.ts';
import { LazyChart } from '../analytics/parts.tsx';
import type { FunnelExtras, FunnelStage } from './funnel.ts';
import { formatMoney } from './format.ts';

/** A campaign's status as a coloured chip in the reader's language. */
export function StatusChip({ status }: { status: CampaignStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`chip campaign-status status-${status}`} data-status={status}>
      {t(`campaigns.statuses.${status}`)}
    </span>
  );
}

/**
 * The funnel: sent → delivered → read → replied (→ clicked → converted when the server reports them) as an ECharts
 * bar chart (the Analytics page's lazy chunk) and as a table with each stage's share of the one before and of those
 * sent; revenue and cost per acquisition below when known.
 */
export function Funnel({ stages, extras }: { stages: FunnelStage[]; extras: FunnelExtras | null }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const option = useMemo<EChartsCoreOption>(
    () => ({
      animation: false,
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: {
        type: 'category',
        inverse: true,
        data: stages.map((s) => t(`campaigns.funnel.${s.key}`)),
      },
      series: [
        {
          type: 'bar',
          name: t('campaigns.funnel.recipients'),
          data: stages.map((s) => s.count),
          label: {
            show: true,
            position: 'right',
            formatter: ({ value }: { value: number }) => formatCount(value, locale),
          },
          itemStyle: { color: '#12b76a' },
          barMaxWidth: 28,
        },
      ],
    }),
    [stages, t, locale],
  );
  return (
    <section className="campaign-funnel" aria-labelledby="campaign-funnel-title">
      <h2 id="campaign-funnel-title">{t('campaigns.funnel.title')}</h2>
      <LazyChart option={option} label={t('campaigns.funnel.chart')} height={40 + stages.length * 40} />
      <table className="table funnel-table">
        <caption className="visually-hidden">{t('campaigns.funnel.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('campaigns.funnel.stage')}</th>
            <th scope="col" className="num">
              {t('campaigns.funnel.recipients')}
            </th>
            <th scope="col" className="num">
              {t('campaigns.funnel.ofPrevious')}
            </th>
            <th scope="col" className="num">
              {t('campaigns.funnel.ofSent')}
            </th>
          </tr>
        </thead>
        <tbody>
          {stages.map((s) => (
            <tr key={s.key} data-stage={s.key}>
              <th scope="row">{t(`campaigns.funnel.${s.key}`)}</th>
              <td className="num" data-value>
                {formatCount(s.count, locale)}
              </td>
              <td className="num">{formatRate(s.ofPrevious, locale)}</td>
              <td className="num">{formatRate(s.ofSent, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {extras && extras.currency && (extras.revenue !== null || extras.cpa !== null) && (
        <p className="small">
          {extras.revenue !== null &&
            t('campaigns.funnel.revenue', {
              value: formatMoney(extras.revenue, extras.currency, locale),
            })}{' '}
          {extras.cpa !== null &&
            t('campaigns.funnel.cpa', { value: formatMoney(extras.cpa, extras.currency, locale) })}
        </p>
      )}
      <p className="small muted">{t('campaigns.funnel.hint')}</p>
    </section>
  );
}

/** The tabs above the campaign list and the reminders: both send approved templates outside the 24 h window. */
export function CampaignTabs({ current }: { current: 'campaigns' | 'reminders' }) {
  const { t } = useTranslation();
  const tabs = [
    ['campaigns', '/campaigns', t('campaigns.tabs.campaigns')],
    ['reminders', '/campaigns/reminders', t('campaigns.tabs.reminders')],
  ] as const;
  return (
    <nav className="automation-tabs campaign-tabs" aria-label={t('campaigns.tabs.label')}>
      {tabs.map(([key, href, label]) => (
        <Link
          key={key}
          href={href}
          className={`tab ${current === key ? 'active' : ''}`}
          aria-current={current === key ? 'page' : undefined}
        >
          {label}
        </Link>
      ))}
    </nav>
  );
}
