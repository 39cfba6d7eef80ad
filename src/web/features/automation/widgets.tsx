import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldProblem } from '../../lib/errors.ts';
import { usePhoneNumbers } from '../../lib/queries.ts';
import { errorsAt } from './draft.ts';
import type { DocError, Scope } from './types.ts';

/** The server's errors for one field, right under it. */
export function FieldErrors({ errors }: { errors: readonly DocError[] }) {
  const { t } = useTranslation();
  if (errors.length === 0) return null;
  return (
    <ul className="field-errors" role="alert">
      {errors.map((e, i) => (
        <li key={i} data-path={e.path}>
          {fieldProblem(e.message, t)}
        </li>
      ))}
    </ul>
  );
}

/**
 * Keywords as chips: Enter or comma adds the typed text, × removes one. `errorAt(i)` marks a chip the server
 * refused (e.g. an invalid regex).
 */
export function ChipsInput({
  values,
  onChange,
  label,
  placeholder,
  disabled,
  chipErrors,
}: {
  values: readonly string[];
  onChange: (values: string[]) => void;
  label: string;
  placeholder?: string;
  disabled?: boolean;
  chipErrors?: (i: number) => readonly DocError[];
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const add = () => {
    const v = text.trim();
    if (v && !values.includes(v)) onChange([...values, v]);
    setText('');
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.nativeEvent.isComposing) return; // IME: Enter confirms the conversion, not the chip
    if (e.key === 'Enter' || e.key === ',' || e.key === '、') {
      e.preventDefault();
      add();
    } else if (e.key === 'Backspace' && !text && values.length > 0) onChange(values.slice(0, -1));
  };
  return (
    <div className="chips-input">
      <div className="chips">
        {values.map((v, i) => {
          const errs = chipErrors?.(i) ?? [];
          return (
            <span key={`${v}-${i}`} className={`kw-chip ${errs.length ? 'invalid' : ''}`}>
              <span className="kw-text">{v}</span>
              {!disabled && (
                <button
                  type="button"
                  aria-label={t('automation.removeItem', { item: v })}
                  onClick={() => onChange(values.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              )}
              {errs.length > 0 && <FieldErrors errors={errs} />}
            </span>
          );
        })}
        {!disabled && (
          <input
            aria-label={label}
            value={text}
            placeholder={placeholder}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKey}
            onBlur={add}
          />
        )}
      </div>
    </div>
  );
}

/** Which numbers (Cloud API phone number ids; none = all) and whether in or out of business hours. */
export function ScopeEditor({
  scope,
  onChange,
  disabled,
}: {
  scope: Scope | undefined;
  onChange: (s: Scope) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const numbers = usePhoneNumbers().data ?? [];
  const s: Scope = scope ?? { businessHours: 'any' };
  const ids = s.phoneNumberIds ?? [];
  return (
    <fieldset className="field scope" disabled={disabled}>
      <legend>{t('automation.scope.title')}</legend>
      <div className="scope-numbers">
        <span className="small muted">{ids.length === 0 ? t('automation.scope.allNumbers') : ''}</span>
        {numbers.map((n) => (
          <label key={n.id} className="check">
            <input
              type="checkbox"
              checked={ids.includes(n.phoneNumberId)}
              onChange={(e) => {
                const next = e.target.checked
                  ? [...ids, n.phoneNumberId]
                  : ids.filter((x) => x !== n.phoneNumberId);
                const { phoneNumberIds: _drop, ...rest } = s;
                onChange(next.length ? { ...rest, phoneNumberIds: next } : rest);
              }}
            />
            {n.label || n.displayPhoneNumber}
          </label>
        ))}
      </div>
      <label className="inline-field">
        <span>{t('automation.scope.hours')}</span>
        <select
          value={s.businessHours ?? 'any'}
          onChange={(e) => onChange({ ...s, businessHours: e.target.value as Scope['businessHours'] })}
        >
          {(['any', 'open', 'closed'] as const).map((v) => (
            <option key={v} value={v}>
              {t(`automation.scope.${v}`)}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}

/** A labelled whole-number input that keeps the last valid value while typing. */
export function NumberField({
  label,
  value,
  onChange,
  min,
  max,
  disabled,
  hint,
}: {
  label: string;
  value: number;
  onChange: (n: number) => void;
  min: number;
  max: number;
  disabled?: boolean;
  hint?: string;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        min={min}
        max={max}
        step={1}
        value={value}
        disabled={disabled}
        onChange={(e) => {
          const n = Number(e.target.value);
          if (e.target.value !== '' && Number.isInteger(n)) onChange(n);
        }}
      />
      {hint && <span className="small muted">{hint}</span>}
    </label>
  );
}

/** What every rule has: a name, an id that the log and insight refer to, and a priority. */
interface RuleIdentity {
  id: string;
  name?: string | undefined;
  priority?: number | undefined;
}

/** Name, id and priority of a keyword or routing rule, each with the server's errors for it. */
export function RuleIdentityFields<R extends RuleIdentity>({
  rule,
  path,
  errors,
  onChange,
}: {
  rule: R;
  path: string;
  errors: readonly DocError[];
  onChange: (rule: R) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="inline-fields">
      <label className="field grow">
        <span>{t('automation.rules.name')}</span>
        <input value={rule.name ?? ''} onChange={(e) => onChange({ ...rule, name: e.target.value })} />
        <FieldErrors errors={errorsAt(errors, `${path}.name`)} />
      </label>
      <label className="field">
        <span>{t('automation.rules.id')}</span>
        <input value={rule.id} onChange={(e) => onChange({ ...rule, id: e.target.value })} />
        <FieldErrors errors={errorsAt(errors, `${path}.id`)} />
      </label>
      <label className="field narrow">
        <span>{t('automation.rules.priority')}</span>
        <input
          type="number"
          step={1}
          value={rule.priority ?? 0}
          onChange={(e) =>
            Number.isInteger(Number(e.target.value)) &&
            onChange({ ...rule, priority: Number(e.target.value) })
          }
        />
      </label>
    </div>
  );
}
