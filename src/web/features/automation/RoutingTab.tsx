import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTeams, useUsers } from '../../lib/queries.ts';
import type { DocProps } from './AutomationPage.tsx';
import { errorsAt, evaluationOrder, removeAt, replaceAt, uniqueId } from './draft.ts';
import { ConditionField, TriggersEditor } from './TriggersEditor.tsx';
import type { Assignment, RoutingRule } from './types.ts';
import { ChipsInput, FieldErrors, NumberField, RuleIdentityFields, ScopeEditor } from './widgets.tsx';

const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const STRATEGIES = ['manual', 'round_robin', 'least_open'] as const;

/** Routing rules (keywords or a condition → team, assignee, priority) and how conversations are assigned. */
export function RoutingTab({ doc, update, errors, canEdit }: DocProps) {
  const { t } = useTranslation();
  const rules = doc.routingRules ?? [];
  const [selected, setSelected] = useState<number | null>(null);
  const teams = useTeams().data ?? [];
  const users = (useUsers().data ?? []).filter((u) => !u.deactivatedAt && u.role !== 'analyst');
  const setRules = (fn: (r: RoutingRule[]) => RoutingRule[]) =>
    update((d) => ({ ...d, routingRules: fn(d.routingRules ?? []) }));
  const assignment: Assignment = {
    strategy: 'round_robin',
    sticky: true,
    unreadTimeoutMinutes: 2,
    averageHandleMinutes: 6,
    ...doc.assignment,
  };
  const setAssignment = (a: Assignment) => update((d) => ({ ...d, assignment: a }));
  const rule = selected === null ? undefined : rules[selected];
  const path = `routingRules.${selected ?? 0}`;
  const setRule = (r: RoutingRule) => selected !== null && setRules((l) => replaceAt(l, selected, r));
  const actionText = (r: RoutingRule) =>
    [
      r.action.teamId && (teams.find((x) => x.id === r.action.teamId)?.name ?? '?'),
      r.action.assigneeId && (users.find((u) => u.id === r.action.assigneeId)?.name ?? '?'),
      r.action.priority && t(`priority.${r.action.priority}`),
    ]
      .filter(Boolean)
      .join(' · ');

  return (
    <div className="routing-tab">
      <h3>{t('automation.routing.title')}</h3>
      <p className="small muted">{t('automation.routing.hint')}</p>
      <ol className="card-list">
        {evaluationOrder(rules).map((i) => {
          const r = rules[i] as RoutingRule;
          return (
            <li
              key={r.id + i}
              className={`card row-card ${selected === i ? 'selected' : ''} ${errorsAt(errors, `routingRules.${i}`).length ? 'has-error' : ''}`}
            >
              <input
                type="checkbox"
                aria-label={t('automation.rules.enableRule', { name: r.name || r.id })}
                checked={r.enabled !== false}
                disabled={!canEdit}
                onChange={(e) => setRules((l) => replaceAt(l, i, { ...r, enabled: e.target.checked }))}
              />
              <button type="button" className="link-button" onClick={() => setSelected(i)}>
                {r.name || r.id}
              </button>
              <span className="small muted grow ellipsis">
                {(r.triggers ?? []).flatMap((x) => x.keywords).join(' · ') || r.condition || ''}
              </span>
              <span className="small">→ {actionText(r)}</span>
              <span className="chip">P{r.priority ?? 0}</span>
            </li>
          );
        })}
      </ol>
      {canEdit && (
        <button
          type="button"
          className="btn primary"
          onClick={() => {
            setRules((l) => [
              ...l,
              {
                id: uniqueId(
                  'route',
                  l.map((r) => r.id),
                ),
                name: '',
                enabled: true,
                priority: 0,
                triggers: [{ mode: 'contains', keywords: [] }],
                action: { priority: 'normal' },
              },
            ]);
            setSelected(rules.length);
          }}
        >
          + {t('automation.routing.add')}
        </button>
      )}
      {rule && (
        <fieldset className="card rule-editor" disabled={!canEdit} key={selected}>
          <RuleIdentityFields rule={rule} path={path} errors={errors} onChange={setRule} />
          <p className="small muted">{t('automation.routing.triggersOrCondition')}</p>
          <TriggersEditor
            triggers={rule.triggers ?? []}
            path={path}
            errors={errors}
            onChange={(triggers) => setRule({ ...rule, triggers })}
          />
          <div className="field">
            <span>{t('automation.rules.exclude')}</span>
            <ChipsInput
              label={t('automation.rules.exclude')}
              values={rule.exclude ?? []}
              onChange={(exclude) => setRule({ ...rule, exclude })}
            />
          </div>
          <ConditionField
            value={rule.condition}
            path={path}
            errors={errors}
            onChange={(condition) => {
              const { condition: _drop, ...rest } = rule;
              setRule(condition === undefined ? rest : { ...rest, condition });
            }}
          />
          <ScopeEditor
            scope={rule.scope}
            onChange={(scope) => setRule({ ...rule, scope })}
            disabled={!canEdit}
          />
          <fieldset className="field">
            <legend>{t('automation.routing.action')}</legend>
            <div className="inline-fields">
              <label className="field">
                <span>{t('conversation.team')}</span>
                <select
                  value={rule.action.teamId ?? ''}
                  onChange={(e) =>
                    setRule({ ...rule, action: { ...rule.action, teamId: e.target.value || undefined } })
                  }
                >
                  <option value="">—</option>
                  {teams.map((tm) => (
                    <option key={tm.id} value={tm.id}>
                      {tm.name}
                    </option>
                  ))}
                </select>
                <FieldErrors errors={errorsAt(errors, `${path}.action.teamId`)} />
              </label>
              <label className="field">
                <span>{t('conversation.assignTo')}</span>
                <select
                  value={rule.action.assigneeId ?? ''}
                  onChange={(e) =>
                    setRule({ ...rule, action: { ...rule.action, assigneeId: e.target.value || undefined } })
                  }
                >
                  <option value="">—</option>
                  {users.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name || u.email}
                    </option>
                  ))}
                </select>
                <FieldErrors errors={errorsAt(errors, `${path}.action.assigneeId`)} />
              </label>
              <label className="field">
                <span>{t('priority.label')}</span>
                <select
                  value={rule.action.priority ?? ''}
                  onChange={(e) =>
                    setRule({
                      ...rule,
                      action: {
                        ...rule.action,
                        priority: (e.target.value || undefined) as RoutingRule['action']['priority'],
                      },
                    })
                  }
                >
                  <option value="">—</option>
                  {PRIORITIES.map((p) => (
                    <option key={p} value={p}>
                      {t(`priority.${p}`)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <FieldErrors errors={errorsAt(errors, `${path}.action`, true)} />
          </fieldset>
          <FieldErrors errors={errorsAt(errors, path, true)} />
          {canEdit && (
            <div className="form-actions">
              <span className="spacer" />
              <button
                type="button"
                className="btn subtle danger"
                onClick={() => {
                  setRules((l) => removeAt(l, selected ?? 0));
                  setSelected(null);
                }}
              >
                {t('automation.rules.delete')}
              </button>
            </div>
          )}
        </fieldset>
      )}

      <fieldset className="card assignment" disabled={!canEdit}>
        <h3>{t('automation.assignment.title')}</h3>
        <label className="field">
          <span>{t('automation.assignment.strategy')}</span>
          <select
            value={assignment.strategy}
            onChange={(e) =>
              setAssignment({ ...assignment, strategy: e.target.value as Assignment['strategy'] })
            }
          >
            {STRATEGIES.map((s) => (
              <option key={s} value={s}>
                {t(`automation.assignment.strategies.${s}`)}
              </option>
            ))}
          </select>
          <span className="small muted">{t('automation.assignment.presenceHint')}</span>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={assignment.sticky !== false}
            onChange={(e) => setAssignment({ ...assignment, sticky: e.target.checked })}
          />
          {t('automation.assignment.sticky')}
        </label>
        <div className="inline-fields">
          <NumberField
            label={t('automation.assignment.unreadTimeout')}
            hint={t('automation.assignment.unreadTimeoutHint')}
            value={assignment.unreadTimeoutMinutes ?? 2}
            min={0}
            max={1440}
            onChange={(n) => setAssignment({ ...assignment, unreadTimeoutMinutes: n })}
          />
          <NumberField
            label={t('automation.assignment.averageHandle')}
            hint={t('automation.assignment.averageHandleHint')}
            value={assignment.averageHandleMinutes ?? 6}
            min={1}
            max={240}
            onChange={(n) => setAssignment({ ...assignment, averageHandleMinutes: n })}
          />
        </div>
        <FieldErrors errors={errorsAt(errors, 'assignment')} />
      </fieldset>
    </div>
  );
}
