import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocProps } from './AutomationPage.tsx';
import {
  errorsAt,
  errorsNotUnder,
  evaluationOrder,
  moveRule,
  newKeywordRule,
  removeAt,
  replaceAt,
} from './draft.ts';
import { ResponseEditor } from './ResponseEditor.tsx';
import { ConditionField, TriggersEditor } from './TriggersEditor.tsx';
import type { KeywordRule } from './types.ts';
import { ChipsInput, FieldErrors, RuleIdentityFields, ScopeEditor } from './widgets.tsx';

/**
 * Keyword rules: the list in the order the engine tries them (priority, then position) with ↑ ↓ to reorder
 * and an on/off toggle; the selected rule's editor below.
 */
export function RulesTab({
  doc,
  update,
  errors,
  canEdit,
  focus,
  onFocused,
}: DocProps & { focus: string | null; onFocused: () => void }) {
  const { t } = useTranslation();
  const rules = doc.keywordRules ?? [];
  const [selected, setSelected] = useState<string | null>(focus);
  useEffect(() => {
    if (focus) {
      setSelected(focus);
      onFocused();
    }
  }, [focus, onFocused]);
  const setRules = (fn: (r: KeywordRule[]) => KeywordRule[]) =>
    update((d) => ({ ...d, keywordRules: fn(d.keywordRules ?? []) }));
  const index = rules.findIndex((r) => r.id === selected);
  const rule = rules[index];

  return (
    <div className="rules-tab">
      <p className="small muted">{t('automation.rules.orderHint')}</p>
      <ol className="card-list rule-list">
        {evaluationOrder(rules).map((i, pos, order) => {
          const r = rules[i] as KeywordRule;
          const bad = errorsAt(errors, `keywordRules.${i}`).length > 0;
          return (
            <li
              key={r.id + i}
              className={`card row-card rule-row ${selected === r.id ? 'selected' : ''} ${bad ? 'has-error' : ''}`}
              data-rule-id={r.id}
            >
              <div className="order-buttons">
                <button
                  type="button"
                  className="icon-button"
                  aria-label={t('automation.rules.moveUp')}
                  disabled={!canEdit || pos === 0}
                  onClick={() => setRules((l) => moveRule(l, i, -1))}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={t('automation.rules.moveDown')}
                  disabled={!canEdit || pos === order.length - 1}
                  onClick={() => setRules((l) => moveRule(l, i, 1))}
                >
                  ↓
                </button>
              </div>
              <label className="check" title={t('automation.rules.enabled')}>
                <input
                  type="checkbox"
                  aria-label={t('automation.rules.enableRule', { name: r.name || r.id })}
                  checked={r.enabled !== false}
                  disabled={!canEdit}
                  onChange={(e) => setRules((l) => replaceAt(l, i, { ...r, enabled: e.target.checked }))}
                />
              </label>
              <button type="button" className="link-button rule-name" onClick={() => setSelected(r.id)}>
                {r.name || r.id}
              </button>
              <span className="small muted ellipsis grow" data-content>
                {r.triggers.flatMap((tr) => tr.keywords).join(' · ')}
              </span>
              <span className="chip" title={t('automation.rules.priority')}>
                P{r.priority ?? 0}
              </span>
              {bad && <span className="chip error-chip">{t('automation.hasErrors')}</span>}
            </li>
          );
        })}
      </ol>
      {rules.length === 0 && <p className="muted">{t('automation.rules.none')}</p>}
      {canEdit && (
        <button
          type="button"
          className="btn primary"
          onClick={() => {
            const r = newKeywordRule(rules.map((x) => x.id));
            setRules((l) => [...l, r]);
            setSelected(r.id);
          }}
        >
          + {t('automation.rules.add')}
        </button>
      )}
      {rule && (
        <RuleEditor
          key={index}
          rule={rule}
          index={index}
          doc={doc}
          errors={errors}
          canEdit={canEdit}
          onChange={(r) => {
            setRules((l) => replaceAt(l, index, r));
            if (r.id !== rule.id) setSelected(r.id);
          }}
          onDelete={() => {
            setRules((l) => removeAt(l, index));
            setSelected(null);
          }}
        />
      )}
    </div>
  );
}

/** One keyword rule: name, triggers, exclusions, guard, scope, condition, response and detailed response. */
function RuleEditor({
  rule,
  index,
  doc,
  errors,
  canEdit,
  onChange,
  onDelete,
}: {
  rule: KeywordRule;
  index: number;
  doc: DocProps['doc'];
  errors: DocProps['errors'];
  canEdit: boolean;
  onChange: (r: KeywordRule) => void;
  onDelete: () => void;
}) {
  const { t } = useTranslation();
  const path = `keywordRules.${index}`;
  const menus = doc.menus ?? [];
  const claimed = [
    'id',
    'name',
    'priority',
    'triggers',
    'exclude',
    'scope',
    'condition',
    'response',
    'detailedResponse',
  ].map((k) => `${path}.${k}`);
  return (
    <fieldset className="card rule-editor" disabled={!canEdit} aria-label={t('automation.rules.editor')}>
      <RuleIdentityFields rule={rule} path={path} errors={errors} onChange={onChange} />
      <TriggersEditor
        triggers={rule.triggers}
        path={path}
        errors={errors}
        onChange={(triggers) => onChange({ ...rule, triggers })}
      />
      <div className="field">
        <span>{t('automation.rules.exclude')}</span>
        <ChipsInput
          label={t('automation.rules.exclude')}
          placeholder={t('automation.rules.excludePlaceholder')}
          values={rule.exclude ?? []}
          onChange={(exclude) => onChange({ ...rule, exclude })}
          chipErrors={(k) => errorsAt(errors, `${path}.exclude.${k}`)}
        />
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={rule.negationGuard !== false}
          onChange={(e) => onChange({ ...rule, negationGuard: e.target.checked })}
        />
        {t('automation.rules.negationGuard')}
      </label>
      <span className="small muted block">{t('automation.rules.negationGuardHint')}</span>
      <ScopeEditor
        scope={rule.scope}
        onChange={(scope) => onChange({ ...rule, scope })}
        disabled={!canEdit}
      />
      <FieldErrors errors={errorsAt(errors, `${path}.scope`)} />
      <ConditionField
        value={rule.condition}
        path={path}
        errors={errors}
        onChange={(condition) => {
          const { condition: _drop, ...rest } = rule;
          onChange(condition === undefined ? rest : { ...rest, condition });
        }}
      />
      <ResponseEditor
        label={t('automation.rules.response')}
        value={rule.response}
        menus={menus}
        path={`${path}.response`}
        errors={errors}
        disabled={!canEdit}
        onChange={(response) => onChange({ ...rule, response })}
      />
      <label className="check">
        <input
          type="checkbox"
          checked={rule.detailedResponse !== undefined}
          onChange={(e) => {
            const { detailedResponse: _drop, ...rest } = rule;
            onChange(
              e.target.checked ? { ...rest, detailedResponse: { type: 'text', text: { body: '' } } } : rest,
            );
          }}
        />
        {t('automation.rules.detailed')}
      </label>
      <span className="small muted block">{t('automation.rules.detailedHint')}</span>
      {rule.detailedResponse !== undefined && (
        <ResponseEditor
          label={t('automation.rules.detailedResponse')}
          value={rule.detailedResponse}
          menus={menus}
          path={`${path}.detailedResponse`}
          errors={errors}
          disabled={!canEdit}
          onChange={(detailedResponse) => onChange({ ...rule, detailedResponse })}
        />
      )}
      <FieldErrors errors={errorsNotUnder(errors, path, claimed)} />
      {canEdit && (
        <div className="form-actions">
          <span className="spacer" />
          <button type="button" className="btn subtle danger" onClick={onDelete}>
            {t('automation.rules.delete')}
          </button>
        </div>
      )}
    </fieldset>
  );
}
