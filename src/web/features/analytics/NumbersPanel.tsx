import { useTranslation } from 'react-i18next';
import type { NumbersAnalytics } from '../../../contracts/analytics.schemas.ts';
import { formatCount, formatRate } from './format.ts';
import { DataTable, type Column } from './parts.tsx';

type NumberRow = NumbersAnalytics['numbers'][number];

const QUALITY = new Set(['GREEN', 'YELLOW', 'RED']);

/** Per-number health as Meta last reported it (quality, tier, throughput, status) and its messaging figures. */
export function NumbersPanel({ data }: { data: NumbersAnalytics }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const count = (n: number) => formatCount(n, locale);
  const rate = (r: number | null) => formatRate(r, locale);
  const M = (k: string) => t(`analytics.messaging.${k}`);
  const N = (k: string) => t(`analytics.numbers.${k}`);

  const columns: Column<NumberRow>[] = [
    {
      label: N('number'),
      csv: (n) => n.displayPhoneNumber,
      show: (n) => (
        <span data-content>
          {n.label ? `${n.label} ` : ''}
          <span className="mono">{n.displayPhoneNumber}</span>
        </span>
      ),
    },
    {
      label: N('quality'),
      csv: (n) => n.qualityRating,
      show: (n) => {
        const q = n.qualityRating && QUALITY.has(n.qualityRating) ? n.qualityRating : 'UNKNOWN';
        return <span className={`quality quality-${q.toLowerCase()}`}>{N(`quality${q}`)}</span>;
      },
    },
    {
      label: N('tier'),
      csv: (n) => n.messagingLimit,
      show: (n) => (n.messagingLimit === null ? N('tierUnknown') : count(n.messagingLimit)),
      numeric: true,
    },
    { label: N('mps'), csv: (n) => n.mps, show: (n) => count(n.mps), numeric: true },
    { label: N('status'), csv: (n) => n.status, show: (n) => <span className="mono">{n.status}</span> },
    ...(['sent', 'delivered', 'read', 'failed'] as const).map((k): Column<NumberRow> => ({
      label: M(k),
      csv: (n) => n[k],
      show: (n) => count(n[k]),
      numeric: true,
    })),
    ...(['deliveryRate', 'readRate'] as const).map((k): Column<NumberRow> => ({
      label: M(k),
      csv: (n) => n[k],
      show: (n) => rate(n[k]),
      numeric: true,
    })),
  ];

  return (
    <section className="analytics-section" aria-labelledby="analytics-numbers">
      <h2 id="analytics-numbers">{N('title')}</h2>
      <DataTable
        name="numbers"
        caption={N('table')}
        columns={columns}
        rows={data.numbers}
        range={data.range}
        rowKey={(n) => n.phoneNumberId}
      />
    </section>
  );
}
