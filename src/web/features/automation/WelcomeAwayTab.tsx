import { useTranslation } from 'react-i18next';
import type { DocProps } from './AutomationPage.tsx';
import { errorsAt } from './draft.ts';
import { ResponseEditor } from './ResponseEditor.tsx';
import { FieldErrors, NumberField } from './widgets.tsx';

/** Welcome (first message, or first after N days) and away (outside business hours, at most every N hours). */
export function WelcomeAwayTab({ doc, update, errors, canEdit }: DocProps) {
  const { t } = useTranslation();
  const welcome = { enabled: false, afterDays: null, ...doc.welcome };
  const away = { enabled: false, everyHours: 12, ...doc.away };
  const menus = doc.menus ?? [];
  return (
    <div className="welcome-away">
      <fieldset className="card" disabled={!canEdit}>
        <h3>{t('automation.welcome.title')}</h3>
        <label className="check">
          <input
            type="checkbox"
            checked={welcome.enabled}
            onChange={(e) => update((d) => ({ ...d, welcome: { ...welcome, enabled: e.target.checked } }))}
          />
          {t('automation.welcome.enabled')}
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={welcome.afterDays !== null && welcome.afterDays !== undefined}
            onChange={(e) =>
              update((d) => ({ ...d, welcome: { ...welcome, afterDays: e.target.checked ? 30 : null } }))
            }
          />
          {t('automation.welcome.returning')}
        </label>
        {welcome.afterDays !== null && welcome.afterDays !== undefined && (
          <NumberField
            label={t('automation.welcome.afterDays')}
            value={welcome.afterDays}
            min={1}
            max={365}
            onChange={(n) => update((d) => ({ ...d, welcome: { ...welcome, afterDays: n } }))}
          />
        )}
        <FieldErrors errors={errorsAt(errors, 'welcome.afterDays')} />
        <ResponseEditor
          label={t('automation.welcome.response')}
          value={welcome.response}
          menus={menus}
          path="welcome.response"
          errors={errors}
          disabled={!canEdit}
          onChange={(v) => update((d) => ({ ...d, welcome: { ...welcome, response: v } }))}
        />
      </fieldset>
      <fieldset className="card" disabled={!canEdit}>
        <h3>{t('automation.away.title')}</h3>
        {!doc.businessHours && <p className="small muted">{t('automation.away.needsHours')}</p>}
        <label className="check">
          <input
            type="checkbox"
            checked={away.enabled}
            onChange={(e) => update((d) => ({ ...d, away: { ...away, enabled: e.target.checked } }))}
          />
          {t('automation.away.enabled')}
        </label>
        <NumberField
          label={t('automation.away.everyHours')}
          value={away.everyHours ?? 12}
          min={1}
          max={168}
          onChange={(n) => update((d) => ({ ...d, away: { ...away, everyHours: n } }))}
        />
        <FieldErrors errors={errorsAt(errors, 'away.everyHours')} />
        <ResponseEditor
          label={t('automation.away.response')}
          value={away.response}
          menus={menus}
          path="away.response"
          errors={errors}
          disabled={!canEdit}
          onChange={(v) => update((d) => ({ ...d, away: { ...away, response: v } }))}
        />
      </fieldset>
    </div>
  );
}
