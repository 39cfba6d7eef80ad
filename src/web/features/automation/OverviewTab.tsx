import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import type { DocProps } from './AutomationPage.tsx';
import { ruleFromUnmatched } from './draft.ts';
import { automationKeys, useAutomationInsight } from './queries.ts';
import type { AutomationState } from './types.ts';
import { NumberField } from './widgets.tsx';

const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

/**
 * Overview: the on/off switch, the active version, what automation did (top rules and keywords, the share it
 * handled, unmatched questions to turn into rules) and the general settings (reply delay, fallback,
 * escalation).
 */
export function OverviewTab({
  doc,
  update,
  canEdit,
  state,
  onCreateRule,
}: DocProps & { state: AutomationState; onCreateRule: (ruleId: string) => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [days, setDays] = useState(7);
  const insight = useAutomationInsight(days).data;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rules = doc.keywordRules ?? [];
  const ruleName = (id: string) => rules.find((r) => r.id === id)?.name || id;
  const delay = doc.replyDelayMs ?? { min: 5000, max: 10_000 };
  const fallback = { enabled: true, onlyAfterMenu: true, ...doc.fallback };
  const guard = { enabled: true, sameReplyLimit: 2, replyLimit: 20, windowMinutes: 60, ...doc.loopGuard };
  const setGuard = (g: Partial<typeof guard>) => update((d) => ({ ...d, loopGuard: { ...guard, ...g } }));
  const escalation = { negativeStreak: 3, priority: 'high' as const, ...doc.escalation };

  const toggle = async (enabled: boolean) => {
    setBusy(true);
    setError(null);
    try {
      qc.setQueryData(
        automationKeys.state,
        await api<AutomationState>('/automation', { method: 'PATCH', body: { enabled } }),
      );
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const share = insight?.conversations.share;
  return (
    <div className="automation-overview">
      <div className="card switch-card">
        <label className="check switch">
          <input
            type="checkbox"
            role="switch"
            checked={state.enabled}
            disabled={!canEdit || busy}
            onChange={(e) => void toggle(e.target.checked)}
          />
          <strong>{state.enabled ? t('automation.on') : t('automation.off')}</strong>
        </label>
        <span className="small muted">
          {state.enabled
            ? t('automation.switchHintOn')
            : state.version === 0
              ? t('automation.switchHintFirstSave')
              : t('automation.switchHint')}
        </span>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </div>

      <div className="card">
        <div className="row-card">
          <h3>{t('automation.insight.title')}</h3>
          <span className="spacer" />
          <select
            aria-label={t('automation.insight.period')}
            value={days}
            onChange={(e) => setDays(Number(e.target.value))}
          >
            {[1, 7, 30, 90].map((d) => (
              <option key={d} value={d}>
                {t('automation.insight.days', { count: d })}
              </option>
            ))}
          </select>
        </div>
        <div className="stat-row">
          <div className="stat" data-testid="automation-share">
            <span className="stat-value">
              {share === null || share === undefined ? '—' : `${Math.round(share * 100)}%`}
            </span>
            <span className="small muted">
              {t('automation.insight.share', {
                handled: insight?.conversations.handledByAutomation ?? 0,
                total: insight?.conversations.withAutomation ?? 0,
              })}
            </span>
          </div>
          {Object.entries(insight?.decisions ?? {}).map(([k, n]) => (
            <div className="stat" key={k}>
              <span className="stat-value">{n}</span>
              <span className="small muted">{t(`automation.decisions.${k}`, { defaultValue: k })}</span>
            </div>
          ))}
        </div>
        <div className="two-col">
          <div>
            <h3>{t('automation.insight.topRules')}</h3>
            {(insight?.topRules ?? []).length === 0 && (
              <p className="small muted">{t('automation.insight.none')}</p>
            )}
            <ol className="rank-list">
              {(insight?.topRules ?? []).map((r) => (
                <li key={r.ruleId}>
                  <span>{ruleName(r.ruleId)}</span>
                  <span className="chip">{r.count}</span>
                </li>
              ))}
            </ol>
          </div>
          <div>
            <h3>{t('automation.insight.topKeywords')}</h3>
            {(insight?.topKeywords ?? []).length === 0 && (
              <p className="small muted">{t('automation.insight.none')}</p>
            )}
            <ol className="rank-list">
              {(insight?.topKeywords ?? []).map((k) => (
                <li key={k.keyword}>
                  <span>{k.keyword}</span>
                  <span className="chip">{k.count}</span>
                </li>
              ))}
            </ol>
          </div>
        </div>
        <h3>{t('automation.insight.unmatched')}</h3>
        <p className="small muted">{t('automation.insight.unmatchedHint')}</p>
        {(insight?.unmatched ?? []).length === 0 && (
          <p className="small muted">{t('automation.insight.none')}</p>
        )}
        <ul className="card-list unmatched-list">
          {(insight?.unmatched ?? []).map((u) => (
            <li key={u.normalized} className="row-card unmatched">
              <span className="chip">×{u.count}</span>
              <span className="grow">{u.sample}</span>
              <span className="small muted">{formatDateTime(u.lastSeenAt, i18n.language)}</span>
              {canEdit && (
                <button
                  type="button"
                  className="btn small"
                  onClick={() => {
                    const rule = ruleFromUnmatched(
                      u.sample,
                      rules.map((r) => r.id),
                    );
                    update((d) => ({ ...d, keywordRules: [...(d.keywordRules ?? []), rule] }));
                    onCreateRule(rule.id);
                  }}
                >
                  {t('automation.insight.createRule')}
                </button>
              )}
            </li>
          ))}
        </ul>
      </div>

      <fieldset className="card general" disabled={!canEdit}>
        <h3>{t('automation.general.title')}</h3>
        <div className="inline-fields">
          <NumberField
            label={t('automation.general.delayMin')}
            value={delay.min / 1000}
            min={0}
            max={60}
            onChange={(n) => update((d) => ({ ...d, replyDelayMs: { ...delay, min: n * 1000 } }))}
          />
          <NumberField
            label={t('automation.general.delayMax')}
            value={delay.max / 1000}
            min={0}
            max={60}
            onChange={(n) => update((d) => ({ ...d, replyDelayMs: { ...delay, max: n * 1000 } }))}
          />
        </div>
        <span className="small muted block">{t('automation.general.delayHint')}</span>
        <label className="check">
          <input
            type="checkbox"
            checked={fallback.enabled}
            onChange={(e) => update((d) => ({ ...d, fallback: { ...fallback, enabled: e.target.checked } }))}
          />
          {t('automation.general.fallback')}
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={fallback.onlyAfterMenu}
            disabled={!fallback.enabled}
            onChange={(e) =>
              update((d) => ({ ...d, fallback: { ...fallback, onlyAfterMenu: e.target.checked } }))
            }
          />
          {t('automation.general.onlyAfterMenu')}
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={guard.enabled}
            onChange={(e) => setGuard({ enabled: e.target.checked })}
          />
          {t('automation.general.loopGuard')}
        </label>
        <div className="inline-fields">
          <NumberField
            label={t('automation.general.sameReplyLimit')}
            value={guard.sameReplyLimit}
            min={1}
            max={20}
            disabled={!guard.enabled}
            onChange={(n) => setGuard({ sameReplyLimit: n })}
          />
          <NumberField
            label={t('automation.general.replyLimit')}
            value={guard.replyLimit}
            min={3}
            max={200}
            disabled={!guard.enabled}
            onChange={(n) => setGuard({ replyLimit: n })}
          />
          <NumberField
            label={t('automation.general.windowMinutes')}
            value={guard.windowMinutes}
            min={5}
            max={1440}
            disabled={!guard.enabled}
            onChange={(n) => setGuard({ windowMinutes: n })}
          />
        </div>
        <span className="small muted block">{t('automation.general.loopGuardHint')}</span>
        <label className="field">
          <span>{t('automation.general.defaultLanguage')}</span>
          <select
            value={doc.defaultLanguage ?? 'ja'}
            onChange={(e) => update((d) => ({ ...d, defaultLanguage: e.target.value as 'ja' | 'en' }))}
          >
            <option value="ja">日本語</option>
            <option value="en">English</option>
          </select>
        </label>
        <div className="inline-fields">
          <NumberField
            label={t('automation.general.negativeStreak')}
            value={escalation.negativeStreak}
            min={2}
            max={10}
            onChange={(n) => update((d) => ({ ...d, escalation: { ...escalation, negativeStreak: n } }))}
          />
          <label className="field">
            <span>{t('automation.general.escalateTo')}</span>
            <select
              value={escalation.priority}
              onChange={(e) =>
                update((d) => ({
                  ...d,
                  escalation: { ...escalation, priority: e.target.value as (typeof PRIORITIES)[number] },
                }))
              }
            >
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
      </fieldset>
    </div>
  );
}
