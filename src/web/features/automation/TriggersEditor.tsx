import { useTranslation } from 'react-i18next';
import { errorsAt, removeAt, replaceAt } from './draft.ts';
import type { DocError, KeywordTrigger, MatchMode } from './types.ts';
import { ChipsInput, FieldErrors } from './widgets.tsx';

const MODES: MatchMode[] = ['fuzzy', 'contains', 'exact', 'regex'];

/**
 * Triggers of a rule: each a match mode and keyword chips (synonyms). `path` is the rule's path; a chip the
 * server refused (e.g. `…triggers.0.keywords.1`, an invalid regex) is marked with its message.
 */
export function TriggersEditor({
  triggers,
  onChange,
  path,
  errors,
}: {
  triggers: readonly KeywordTrigger[];
  onChange: (t: KeywordTrigger[]) => void;
  path: string;
  errors: readonly DocError[];
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="field triggers">
      <legend>{t('automation.rules.triggers')}</legend>
      {triggers.map((tr, i) => {
        const at = `${path}.triggers.${i}`;
        return (
          <div key={i} className="trigger" data-path={at}>
            <div className="row-card">
              <label className="inline-field">
                <span className="small">{t('automation.rules.mode')}</span>
                <select
                  value={tr.mode}
                  onChange={(e) =>
                    onChange(replaceAt(triggers, i, { ...tr, mode: e.target.value as MatchMode }))
                  }
                >
                  {MODES.map((m) => (
                    <option key={m} value={m}>
                      {t(`automation.modes.${m}`)}
                    </option>
                  ))}
                </select>
              </label>
              <span className="small muted grow">{t(`automation.modeHints.${tr.mode}`)}</span>
              <button
                type="button"
                className="btn subtle small danger"
                onClick={() => onChange(removeAt(triggers, i))}
              >
                {t('automation.rules.removeTrigger')}
              </button>
            </div>
            <ChipsInput
              label={t('automation.rules.keywordInput', { index: i + 1 })}
              placeholder={tr.mode === 'regex' ? '^(返品|refund)' : t('automation.rules.keywordPlaceholder')}
              values={tr.keywords}
              onChange={(keywords) => onChange(replaceAt(triggers, i, { ...tr, keywords }))}
              chipErrors={(k) => errorsAt(errors, `${at}.keywords.${k}`)}
            />
            <FieldErrors
              errors={errorsAt(errors, at).filter((e) => !/\.keywords\.\d+/.test(e.path.slice(at.length)))}
            />
          </div>
        );
      })}
      <button
        type="button"
        className="link-button"
        onClick={() => onChange([...triggers, { mode: 'fuzzy', keywords: [] }])}
      >
        + {t('automation.rules.addTrigger')}
      </button>
      <FieldErrors errors={errorsAt(errors, `${path}.triggers`, true)} />
    </fieldset>
  );
}

/** A condition in the condition language, with an example. */
export function ConditionField({
  value,
  onChange,
  path,
  errors,
}: {
  value: string | undefined;
  onChange: (v: string | undefined) => void;
  path: string;
  errors: readonly DocError[];
}) {
  const { t } = useTranslation();
  return (
    <label className="field">
      <span>{t('automation.rules.condition')}</span>
      <input
        className="mono"
        value={value ?? ''}
        placeholder="tag:vip and event.order_placed within 7d"
        onChange={(e) => onChange(e.target.value.trim() ? e.target.value : undefined)}
      />
      <span className="small muted">
        {t('automation.rules.conditionHint')} <code>tag:vip and event.order_placed within 7d</code>
      </span>
      <FieldErrors errors={errorsAt(errors, `${path}.condition`)} />
    </label>
  );
}
