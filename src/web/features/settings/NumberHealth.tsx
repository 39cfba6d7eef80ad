import { useTranslation } from 'react-i18next';
import type { PhoneNumber } from '../../lib/types.ts';

/**
 * A number's health as WhatsApp reports it: quality rating, messaging limit tier, throughput, and the last
 * quality or account event (codes shown as WhatsApp writes them).
 */
export function NumberHealth({ number }: { number: PhoneNumber }) {
  const { t } = useTranslation();
  const quality = number.qualityRating;
  return (
    <dl className="number-health" aria-label={t('settings.health.title')}>
      <dt>{t('settings.health.quality')}</dt>
      <dd className={quality ? `quality quality-${quality.toLowerCase()}` : undefined}>
        {quality ? t(`settings.health.qualities.${quality}`, { defaultValue: quality }) : '—'}
      </dd>
      <dt>{t('settings.health.tier')}</dt>
      <dd>{number.messagingTier ? <code>{number.messagingTier}</code> : '—'}</dd>
      <dt>{t('settings.health.throughput')}</dt>
      <dd>
        {number.throughputLevel
          ? t(`settings.health.throughputs.${number.throughputLevel}`, {
              defaultValue: number.throughputLevel,
            })
          : '—'}
      </dd>
      {(number.qualityEvent || number.accountEvent) && (
        <>
          <dt>{t('settings.health.lastEvent')}</dt>
          <dd>
            {number.qualityEvent && <code>{number.qualityEvent}</code>}{' '}
            {number.accountEvent && <code>{number.accountEvent}</code>}
          </dd>
        </>
      )}
    </dl>
  );
}
