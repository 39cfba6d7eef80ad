import type { EChartsCoreOption } from 'echarts/core';
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { saveBlob } from '../../lib/download.ts';
import { csvFileName, toCsv, type CsvCell } from './csv.ts';
import { formatChange } from './format.ts';
import { relativeChange } from './range.ts';

/** ECharts and the chart wrapper: a chunk of their own, fetched when the first chart is drawn. */
const Chart = lazy(() => import('./Chart.tsx'));

/** A chart, with a quiet placeholder while its chunk loads. */
export function LazyChart(props: { option: EChartsCoreOption; label: string; height?: number }) {
  const { t } = useTranslation();
  return (
    <Suspense
      fallback={
        <div className="analytics-chart list-status" style={{ height: props.height ?? 260 }}>
          {t('app.loading')}
        </div>
      }
    >
      <Chart {...props} />
    </Suspense>
  );
}

/**
 * One headline figure and its change against the previous period: relative for counts and durations, in
 * percentage points for shares. `name` identifies the figure for tests and screen readers.
 */
export function Kpi(props: {
  name: string;
  label: string;
  value: string;
  current: number | null;
  previous?: number | null | undefined;
  kind?: 'relative' | 'points';
  hint?: string;
  /** Formats the previous value when no change can be computed (it was 0). */
  format?: (n: number) => string;
}) {
  const { t, i18n } = useTranslation();
  const kind = props.kind ?? 'relative';
  const change =
    props.previous === undefined
      ? undefined
      : kind === 'points'
        ? props.current === null || props.previous === null
          ? null
          : props.current - props.previous
        : relativeChange(props.current, props.previous);
  return (
    <div className="kpi" data-kpi={props.name} title={props.hint}>
      <div className="kpi-label">{props.label}</div>
      <div className="kpi-value">{props.value}</div>
      {change !== undefined && (
        <div className={`kpi-delta ${change === null ? '' : change > 0 ? 'up' : change < 0 ? 'down' : ''}`}>
          {change === null
            ? props.previous !== null && props.previous !== undefined && props.format
              ? t('analytics.previousWas', { value: props.format(props.previous) })
              : t('analytics.noComparison')
            : t('analytics.vsPrevious', {
                change: formatChange(change, kind, i18n.language, t('analytics.points')),
              })}
        </div>
      )}
    </div>
  );
}

/** A column: its header, the cell as shown, and the raw value written to the CSV. */
export interface Column<R> {
  label: string;
  csv: (row: R) => CsvCell;
  show?: (row: R) => ReactNode;
  numeric?: boolean;
}

/**
 * A table of figures with a CSV export of exactly its rows and columns (raw values: counts, shares 0–1, seconds).
 */
export function DataTable<R>(props: {
  name: string;
  caption: string;
  columns: ReadonlyArray<Column<R>>;
  rows: readonly R[];
  range: { from: string; to: string };
  rowKey: (row: R) => string;
}) {
  const { t } = useTranslation();
  const exportCsv = () =>
    saveBlob(
      csvFileName(props.name, props.range.from, props.range.to),
      new Blob(
        [
          toCsv(
            props.columns.map((c) => c.label),
            props.rows.map((r) => props.columns.map((c) => c.csv(r))),
          ),
        ],
        { type: 'text/csv;charset=utf-8' },
      ),
    );
  return (
    <div className="analytics-table" data-table={props.name}>
      <div className="analytics-table-head">
        <h3>{props.caption}</h3>
        <button
          type="button"
          className="btn subtle small"
          onClick={exportCsv}
          disabled={props.rows.length === 0}
        >
          {t('analytics.exportCsv')}
        </button>
      </div>
      <div className="analytics-table-scroll">
        <table className="table">
          <caption className="visually-hidden">{props.caption}</caption>
          <thead>
            <tr>
              {props.columns.map((c) => (
                <th key={c.label} scope="col" className={c.numeric ? 'num' : undefined}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.rows.length === 0 && (
              <tr>
                <td colSpan={props.columns.length} className="muted">
                  {t('analytics.noData')}
                </td>
              </tr>
            )}
            {props.rows.map((r) => (
              <tr key={props.rowKey(r)}>
                {props.columns.map((c) => (
                  <td key={c.label} className={c.numeric ? 'num' : undefined}>
                    {c.show ? c.show(r) : String(c.csv(r) ?? '—')}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
