import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { patchConversation } from '../../lib/cache.ts';
import { keys } from '../../lib/queries.ts';
import type { Conversation } from '../../lib/types.ts';

/**
 * Shown while automation stays out of this conversation (the customer asked for a person, or the loop guard
 * stopped a fourth automatic reply); an agent can let it answer again.
 */
export function AutomationPausedBanner({ c }: { c: Conversation }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!c.automationPaused) return null;
  const resume = async () => {
    setBusy(true);
    setError(null);
    try {
      await api<{ resumed: boolean }>(`/conversations/${c.id}/automation/resume`, { method: 'POST' });
      patchConversation(qc, c.id, { automationPaused: null });
      void qc.invalidateQueries({ queryKey: keys.activities(c.id) });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="automation-banner" role="status" data-testid="automation-paused">
      <span aria-hidden="true">🤖</span>
      <span className="grow">{t(`automation.paused.banner.${c.automationPaused}`)}</span>
      <button type="button" className="btn small" disabled={busy} onClick={() => void resume()}>
        {t('automation.paused.resume')}
      </button>
      {error && <span className="field-hint-error">{error}</span>}
    </div>
  );
}
