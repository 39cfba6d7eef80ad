import { useTranslation } from 'react-i18next';
import type { Message } from '../../lib/types.ts';

/** Delivery ticks: one grey (sent), two grey (delivered), two blue (read), a clock while queued, red when failed. */
export function Ticks({ status }: { status: Message['status'] }) {
  const { t } = useTranslation();
  const label = t(`conversation.ticks.${status}`);
  let glyph: string;
  switch (status) {
    case 'queued':
    case 'sending':
    case 'accepted':
      glyph = '🕓';
      break;
    case 'sent':
      glyph = '✓';
      break;
    case 'delivered':
    case 'read':
      glyph = '✓✓';
      break;
    case 'failed':
      glyph = '!';
      break;
    default:
      glyph = '';
  }
  return (
    <span
      className={`ticks ticks-${status}`}
      data-status={status}
      role="img"
      aria-label={label}
      title={label}
    >
      {glyph}
    </span>
  );
}
