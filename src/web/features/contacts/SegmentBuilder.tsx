import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConditionNode } from '../../../contracts/condition.schemas.ts';
import type { SegmentDto } from '../../../contracts/segments.schemas.ts';
import { isAdmin, useSession } from '../../app/session.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { contactLabel } from './ContactMerge.tsx';
import { useDeleteSegment, useSaveSegment, useSavedSegments, useSegmentPreview } from './queries.ts';
import {
  FIELD_OPS,
  ROW_FIELDS,
  conditionToRows,
  newRow,
  rowsToCondition,
  type RowField,
  type SegmentRow,
} from './segment-rows.ts';
import { errorText } from '../../lib/errors.ts';

/** How long the builder waits after the last edit before it asks for the live count. */
const PREVIEW_DEBOUNCE_MS = 300;

/** `value` once it has stopped changing for `ms` (the live count is not asked on every keystroke). */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * Saved segments (pick one to filter the contacts list, edit, delete) and the builder: rows of field, operator
 * and value (each may be negated), joined by AND or OR, with the live count and the first 20 contacts while
 * editing, saved under a name. Only owners and admins get the buttons that change segments (the API refuses the
 * other roles); everyone may filter the list by one.
 */
export function SegmentsPanel({
  selected,
  onSelect,
}: {
  selected: string | null;
  onSelect: (id: string | null) => void;
}) {
  const { t } = useTranslation();
  const canManage = isAdmin(useSession().role);
  const segments = useSavedSegments();
  const remove = useDeleteSegment();
  const [editing, setEditing] = useState<SegmentDto | 'new' | null>(null);
  const [deleting, setDeleting] = useState<SegmentDto | null>(null);
  return (
    <section className="card segments-panel" aria-label={t('contacts.segments')}>
      <header className="segments-head">
        <h2>{t('contacts.segments')}</h2>
        {canManage && (
          <button type="button" className="btn" onClick={() => setEditing('new')}>
            {t('contacts.newSegment')}
          </button>
        )}
      </header>
      {segments.isSuccess && segments.data.length === 0 && (
        <p className="small muted">{t('contacts.noSegments')}</p>
      )}
      <ul className="plain-list segment-list">
        {(segments.data ?? []).map((s) => (
          <li key={s.id} className={s.id === selected ? 'selected' : undefined}>
            <button
              type="button"
              className="link-button"
              aria-pressed={s.id === selected}
              onClick={() => onSelect(s.id === selected ? null : s.id)}
            >
              <span data-content>{s.name}</span>
            </button>
            {canManage && (
              <>
                {' '}
                <button type="button" className="btn" onClick={() => setEditing(s)}>
                  {t('contacts.edit')}
                </button>{' '}
                <button type="button" className="btn" onClick={() => setDeleting(s)}>
                  {t('contacts.delete')}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {deleting && (
        <Dialog title={t('contacts.delete')} onClose={() => setDeleting(null)}>
          <p>{t('contacts.deleteConfirm', { name: deleting.name })}</p>
          {remove.error && (
            <p className="form-error" role="alert">
              {errorText(remove.error, t)}
            </p>
          )}
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setDeleting(null)}>
              {t('contacts.cancel')}
            </button>
            <button
              type="button"
              className="btn danger"
              disabled={remove.isPending}
              onClick={() =>
                remove.mutate(deleting.id, {
                  onSuccess: () => {
                    if (deleting.id === selected) onSelect(null);
                    setDeleting(null);
                  },
                })
              }
            >
              {t('contacts.delete')}
            </button>
          </div>
        </Dialog>
      )}
      {editing && (
        <SegmentBuilder
          key={editing === 'new' ? 'new' : editing.id}
          segment={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(s) => {
            setEditing(null);
            onSelect(s.id);
          }}
        />
      )}
    </section>
  );
}

function initialRows(segment: SegmentDto | null) {
  const parsed = segment ? conditionToRows(segment.condition) : null;
  return {
    rows: parsed?.rows ?? [newRow(1)],
    join: parsed?.join ?? ('and' as const),
    notRows: segment !== null && parsed === null,
  };
}

/** The row editor of one segment (new when `segment` is null). */
function SegmentBuilder({
  segment,
  onClose,
  onSaved,
}: {
  segment: SegmentDto | null;
  onClose: () => void;
  onSaved: (s: SegmentDto) => void;
}) {
  const { t } = useTranslation();
  const [initial] = useState(() => initialRows(segment));
  const [rows, setRows] = useState<SegmentRow[]>(initial.rows);
  const [join, setJoin] = useState<'and' | 'or'>(initial.join);
  const [name, setName] = useState(segment?.name ?? '');
  const condition: ConditionNode | null = rowsToCondition(rows, join);
  const settled = useDebounced(condition, PREVIEW_DEBOUNCE_MS);
  const preview = useSegmentPreview(settled);
  const save = useSaveSegment();
  const nextId = () => Math.max(0, ...rows.map((r) => r.id)) + 1;
  const change = (id: number, patch: Partial<SegmentRow>) =>
    setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!condition || !name.trim()) return;
    save.mutate({ id: segment?.id ?? null, name: name.trim(), condition }, { onSuccess: onSaved });
  };
  return (
    <form
      className="segment-builder"
      onSubmit={submit}
      aria-label={segment?.name ?? t('contacts.newSegment')}
    >
      {initial.notRows && <p className="banner">{t('contacts.notRows')}</p>}
      <label className="field">
        <span>{t('contacts.segmentName')}</span>
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />
      </label>
      <fieldset className="segment-join">
        <legend>{t('contacts.join')}</legend>
        {(['and', 'or'] as const).map((j) => (
          <label key={j}>
            <input type="radio" name="join" checked={join === j} onChange={() => setJoin(j)} />{' '}
            {t(j === 'and' ? 'contacts.matchAll' : 'contacts.matchAny')}
          </label>
        ))}
      </fieldset>
      <ol className="segment-rows">
        {rows.map((r, i) => (
          <RowEditor
            key={r.id}
            row={r}
            index={i + 1}
            onChange={(patch) => change(r.id, patch)}
            onRemove={rows.length > 1 ? () => setRows((rs) => rs.filter((x) => x.id !== r.id)) : null}
          />
        ))}
      </ol>
      <button type="button" className="btn" onClick={() => setRows((rs) => [...rs, newRow(nextId())])}>
        {t('contacts.addRow')}
      </button>
      <div className="segment-preview" aria-live="polite">
        {condition === null ? (
          <p className="small muted">{t('contacts.incomplete')}</p>
        ) : preview.error ? (
          <p className="form-error" role="alert">
            {errorText(preview.error, t)}
          </p>
        ) : preview.data ? (
          <>
            <p className="segment-count" role="status">
              {preview.data.count === 1
                ? t('contacts.liveCountOne')
                : t('contacts.liveCount', { count: preview.data.count })}
            </p>
            {preview.data.sample.length > 0 && (
              <ul className="plain-list segment-sample" aria-label={t('contacts.sample')}>
                {preview.data.sample.map((c) => (
                  <li key={c.id} data-content>
                    {contactLabel(c)}
                  </li>
                ))}
              </ul>
            )}
          </>
        ) : (
          <p className="small muted">{t('app.loading')}</p>
        )}
      </div>
      {save.error && (
        <p className="form-error" role="alert">
          {errorText(save.error, t)}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('contacts.closeBuilder')}
        </button>
        <button type="submit" className="btn primary" disabled={!condition || !name.trim() || save.isPending}>
          {segment ? t('contacts.saveChanges') : t('contacts.save')}
        </button>
      </div>
    </form>
  );
}

/**
 * One row: NOT, field, attribute key or event name where needed, operator, value. Also the condition rows of the
 * reminder form.
 */
export function RowEditor({
  row,
  index,
  onChange,
  onRemove,
}: {
  row: SegmentRow;
  index: number;
  onChange: (patch: Partial<SegmentRow>) => void;
  onRemove: (() => void) | null;
}) {
  const { t } = useTranslation();
  const opLabel = (op: string) => (/^[a-z_]+$/.test(op) ? t(`contacts.ops.${op}`) : op);
  const needsKey = row.field === 'attribute' || row.field === 'event';
  const needsValue =
    !(row.field === 'attribute' && row.op === 'exists') && !(row.field === 'event' && row.op === 'ever');
  const label = (what: string) => `${what} ${index}`;
  return (
    <li className="segment-row">
      <label className="segment-not">
        <input
          type="checkbox"
          checked={row.negate}
          onChange={(e) => onChange({ negate: e.target.checked })}
        />{' '}
        {t('contacts.not')}
      </label>
      <select
        aria-label={label(t('contacts.field'))}
        value={row.field}
        onChange={(e) => {
          const field = e.target.value as RowField;
          onChange({ ...newRow(row.id, field), negate: row.negate });
        }}
      >
        {ROW_FIELDS.map((f) => (
          <option key={f} value={f}>
            {t(`contacts.fields.${f}`)}
          </option>
        ))}
      </select>
      {needsKey && (
        <input
          aria-label={label(t('contacts.key'))}
          placeholder={t('contacts.key')}
          value={row.key}
          onChange={(e) => onChange({ key: e.target.value })}
        />
      )}
      <select
        aria-label={label(t('contacts.operator'))}
        value={row.op}
        onChange={(e) => onChange({ op: e.target.value })}
      >
        {FIELD_OPS[row.field].map((op) => (
          <option key={op} value={op}>
            {opLabel(op)}
          </option>
        ))}
      </select>
      {needsValue &&
        (row.field === 'consent' ? (
          <select
            aria-label={label(t('contacts.value'))}
            value={row.value}
            onChange={(e) => onChange({ value: e.target.value })}
          >
            {(['opted_in', 'opted_out', 'unknown'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`contacts.consentStates.${s}`)}
              </option>
            ))}
          </select>
        ) : (
          <input
            aria-label={label(t('contacts.value'))}
            placeholder={t('contacts.value')}
            inputMode={
              ['last_inbound', 'created', 'conversations', 'event'].includes(row.field)
                ? 'numeric'
                : undefined
            }
            value={row.value}
            onChange={(e) => onChange({ value: e.target.value })}
          />
        ))}
      {onRemove && (
        <button
          type="button"
          className="icon-button"
          aria-label={label(t('contacts.removeRow'))}
          onClick={onRemove}
        >
          ✕
        </button>
      )}
    </li>
  );
}
