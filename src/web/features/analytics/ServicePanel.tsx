import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceAnalytics } from '../../../contracts/analytics.schemas.ts';
import { formatCount, formatDay, formatRate, formatSeconds } from './format.ts';
import { DataTable, Kpi, LazyChart, type Column } from './parts.tsx';

type Day = ServiceAnalytics['series'][number];
type AgentRow = ServiceAnalytics['byAgent'][number];

/**
 * Service: case volume and backlog, first response, response and resolution times, automation share and SLA, with
 * their change; new/resolved/backlog per day as a chart and a table; the figures per agent.
 */
export function ServicePanel({ data }: { data: ServiceAnalytics }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const cur = data.totals;
  const prev = data.previous?.totals;
  const L = (k: string) => t(`analytics.service.${k}`);
  const count = (n: number) => formatCount(n, locale);
  const secs = (s: number | null) => formatSeconds(s, locale);
  const rate = (r: number | null) => formatRate(r, locale);

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
      series: [
        { name: t('analytics.service.newCases'), type: 'bar', data: data.series.map((d) => d.newCases) },
        {
          name: t('analytics.service.resolvedCases'),
          type: 'bar',
          data: data.series.map((d) => d.resolvedCases),
        },
        {
          name: t('analytics.service.backlog'),
          type: 'line',
          symbolSize: 5,
          data: data.series.map((d) => d.backlog),
        },
      ],
    }),
    [data.series, locale, t],
  );

  const dayColumns: Column<Day>[] = [
    { label: t('analytics.date'), csv: (d) => d.date, show: (d) => formatDay(d.date, locale) },
    ...(['newCases', 'resolvedCases', 'backlog'] as const).map((k): Column<Day> => ({
      label: L(k),
      csv: (d) => d[k],
      show: (d) => count(d[k]),
      numeric: true,
    })),
  ];
  const agentColumns: Column<AgentRow>[] = [
    {
      label: L('agent'),
      csv: (a) => (a.agentId ? (a.name ?? a.agentId) : L('noAgent')),
      show: (a) => (a.agentId ? <span data-content>{a.name ?? a.agentId}</span> : L('noAgent')),
    },
    { label: L('newCases'), csv: (a) => a.newCases, show: (a) => count(a.newCases), numeric: true },
    {
      label: L('resolvedCases'),
      csv: (a) => a.resolvedCases,
      show: (a) => count(a.resolvedCases),
      numeric: true,
    },
    {
      label: L('firstResponseMedianSeconds'),
      csv: (a) => a.firstResponse.median,
      show: (a) => secs(a.firstResponse.median),
      numeric: true,
    },
    {
      label: L('firstResponseP90Seconds'),
      csv: (a) => a.firstResponse.p90,
      show: (a) => secs(a.firstResponse.p90),
      numeric: true,
    },
    {
      label: L('averageResponseSeconds'),
      csv: (a) => a.averageResponseSeconds,
      show: (a) => secs(a.averageResponseSeconds),
      numeric: true,
    },
    {
      label: L('resolutionMedianSeconds'),
      csv: (a) => a.resolution.median,
      show: (a) => secs(a.resolution.median),
      numeric: true,
    },
    {
      label: L('resolutionP90Seconds'),
      csv: (a) => a.resolution.p90,
      show: (a) => secs(a.resolution.p90),
      numeric: true,
    },
    {
      label: L('slaAttainment'),
      csv: (a) => a.sla.attainment,
      show: (a) => rate(a.sla.attainment),
      numeric: true,
    },
  ];

  return (
    <section className="analytics-section" aria-labelledby="analytics-service">
      <h2 id="analytics-service">{t('analytics.service.title')}</h2>
      <p className="small muted">
        {t('analytics.service.target', { target: secs(data.settings.firstResponseTargetSeconds) })}
        {data.businessHours ? ` · ${t('analytics.service.inBusinessHours')}` : ''}
      </p>
      <div className="kpi-grid">
        <Kpi
          name="newCases"
          label={L('newCases')}
          value={count(cur.newCases)}
          current={cur.newCases}
          previous={prev?.newCases}
          format={count}
        />
        <Kpi
          name="resolvedCases"
          label={L('resolvedCases')}
          value={count(cur.resolvedCases)}
          current={cur.resolvedCases}
          previous={prev?.resolvedCases}
          format={count}
        />
        <Kpi
          name="backlogEnd"
          label={L('backlogEnd')}
          value={count(cur.backlogEnd)}
          current={cur.backlogEnd}
          previous={prev?.backlogEnd}
          format={count}
        />
        <Kpi
          name="firstResponseMedian"
          label={L('firstResponseMedian')}
          value={secs(cur.firstResponse.median)}
          current={cur.firstResponse.median}
          previous={prev === undefined ? undefined : prev.firstResponse.median}
          hint={t('analytics.service.p90', { value: secs(cur.firstResponse.p90) })}
        />
        <Kpi
          name="firstResponseAnyMedian"
          label={L('firstResponseAnyMedian')}
          value={secs(cur.firstResponseAny.median)}
          current={cur.firstResponseAny.median}
          previous={prev === undefined ? undefined : prev.firstResponseAny.median}
        />
        <Kpi
          name="averageResponse"
          label={L('averageResponse')}
          value={secs(cur.averageResponseSeconds)}
          current={cur.averageResponseSeconds}
          previous={prev === undefined ? undefined : prev.averageResponseSeconds}
        />
        <Kpi
          name="resolutionMedian"
          label={L('resolutionMedian')}
          value={secs(cur.resolution.median)}
          current={cur.resolution.median}
          previous={prev === undefined ? undefined : prev.resolution.median}
        />
        <Kpi
          name="resolutionP90"
          label={L('resolutionP90')}
          value={secs(cur.resolution.p90)}
          current={cur.resolution.p90}
          previous={prev === undefined ? undefined : prev.resolution.p90}
        />
        <Kpi
          name="automationOnlyShare"
          label={L('automationOnlyShare')}
          value={rate(cur.automationOnlyShare)}
          current={cur.automationOnlyShare}
          previous={prev === undefined ? undefined : prev.automationOnlyShare}
          kind="points"
        />
        <Kpi
          name="slaAttainment"
          label={L('slaAttainment')}
          value={rate(cur.sla.attainment)}
          current={cur.sla.attainment}
          previous={prev === undefined ? undefined : prev.sla.attainment}
          kind="points"
          hint={t('analytics.service.slaCounts', {
            met: cur.sla.met,
            missed: cur.sla.missed,
            pending: cur.sla.pending,
          })}
        />
      </div>
      <LazyChart option={option} label={t('analytics.service.chart')} />
      <DataTable
        name="service-days"
        caption={t('analytics.service.byDay')}
        columns={dayColumns}
        rows={data.series}
        range={data.range}
        rowKey={(d) => d.date}
      />
      <DataTable
        name="agents"
        caption={t('analytics.service.byAgent')}
        columns={agentColumns}
        rows={data.byAgent}
        range={data.range}
        rowKey={(a) => a.agentId ?? 'none'}
      />
    </section>
  );
}
