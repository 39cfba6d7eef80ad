import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttributeDefinitionDto } from '../../../contracts/contact-attributes.schemas.ts';
import {
  bulkActionEnded,
  type BulkAction,
  type BulkTarget,
} from '../../../contracts/contact-bulk.schemas.ts';
import { isAdmin, useSession } from '../../app/session.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { errorText } from '../../lib/errors.ts';
import type { Contact } from '../../lib/types.ts';
import { useContactAttributes } from '../campaigns/queries.ts';
import { AttributeValueInput, attributeValue } from './ContactEditors.tsx';
import { ExportDialog } from './ExportDialog.tsx';
import {
  useBulkActionStatus,
  useCancelBulkAction,
  useRefreshAfterBulk,
  useSavedSegments,
  useSegmentPreview,
  useStartBulkAction,
} from './queries.ts';

/** Most contacts one selection holds (the API's limit for ids). */
const MAX_SELECTED = 1000;

/** The contacts checked in the list: their ids, toggled one by one or all loaded at once. */
export function useBulkSelection() {
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = useCallback((id: string, on: boolean) => {
    setSelected((prev) => {
      const next = new Set(prev);
      if (on && next.size < MAX_SELECTED) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  const setMany = useCallback((ids: readonly string[], on: boolean) => {
    setSelected((prev) => {
      const next = new Set(prev);
      for (const id of ids) {
        if (!on) next.delete(id);
        else if (next.size < MAX_SELECTED) next.add(id);
      }
      return next;
    });
  }, []);
  const clear = useCallback(() => setSelected(new Set()), []);
  return { selected, toggle, setMany, clear };
}

/** What {@link useBulkSelection} returns. */
export type BulkSelection = ReturnType<typeof useBulkSelection>;

/** The checkbox of a contact's row (owners and admins only: nobody else can apply bulk actions). */
export function RowCheckbox({ selection, contact }: { selection: BulkSelection; contact: Contact }) {
  const { t } = useTranslation();
  const admin = isAdmin(useSession().role);
  if (!admin) return null;
  const name = contact.name ?? contact.profileName ?? contact.phone ?? contact.waId;
  return (
    <input
      type="checkbox"
      className="contact-check"
      // Its name holds the contact's name (customer content, in whatever script).
      data-content
      aria-label={t('contacts.bulk.select', { name })}
      checked={selection.selected.has(contact.id)}
      onChange={(e) => selection.toggle(contact.id, e.target.checked)}
    />
  );
}

type Scope = 'selected' | 'segment' | 'all';
type Kind = BulkAction['type'] | 'export';
const KINDS: Kind[] = ['add_tag', 'remove_tag', 'set_attribute', 'opt_out', 'export'];

/**
 * The bulk bar of the Contacts page (owners and admins), shown while contacts are checked or a segment filters the
 * list: select all loaded rows, choose what to apply the action to (the checked contacts, the whole segment with
 * its count, or every contact), and the action — add or remove a tag, set an attribute (key from the schema,
 * value by its type), opt out of marketing (after a confirmation) or export CSV. A started action's progress and
 * changed count are shown; the list is refreshed when it ends.
 */
export function BulkBar({
  selection,
  loadedIds,
  segmentId,
  archived,
}: {
  selection: BulkSelection;
  loadedIds: string[];
  segmentId: string | null;
  archived: boolean;
}) {
  const admin = isAdmin(useSession().role);
  const { clear } = selection;
  // A different list: its checked rows are no longer on screen.
  useEffect(() => clear(), [segmentId, archived, clear]);
  const count = selection.selected.size;
  if (!admin || (count === 0 && segmentId === null)) return null;
  return (
    <BulkBarBody
      // Another list, another bar: a finished action's result does not linger.
      key={segmentId ?? (archived ? 'archived' : 'all')}
      selection={selection}
      loadedIds={loadedIds}
      segmentId={segmentId}
      allowAll={!archived && segmentId === null}
    />
  );
}

function BulkBarBody({
  selection,
  loadedIds,
  segmentId,
  allowAll,
}: {
  selection: BulkSelection;
  loadedIds: string[];
  segmentId: string | null;
  allowAll: boolean;
}) {
  const { t, i18n } = useTranslation();
  const count = selection.selected.size;
  const segments = useSavedSegments();
  const segment = (segments.data ?? []).find((s) => s.id === segmentId) ?? null;
  const members = useSegmentPreview(segment?.condition ?? null);
  const scopes: Scope[] = [
    ...(count > 0 ? (['selected'] as const) : []),
    ...(segment ? (['segment'] as const) : []),
    ...(allowAll ? (['all'] as const) : []),
  ];
  const [chosenScope, setScope] = useState<Scope | null>(null);
  const scope = chosenScope && scopes.includes(chosenScope) ? chosenScope : (scopes[0] ?? 'selected');
  const [kind, setKind] = useState<Kind>('add_tag');
  const [tag, setTag] = useState('');
  const [attr, setAttr] = useState<{ key: string; value: string }>({ key: '', value: '' });
  const [confirming, setConfirming] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [runId, setRunId] = useState<string | null>(null);
  const defs = useContactAttributes();
  const start = useStartBulkAction();
  const run = useBulkActionStatus(runId);
  const refresh = useRefreshAfterBulk();
  const cancel = useCancelBulkAction();
  const finished = run.data !== undefined && bulkActionEnded(run.data.status);
  const running = runId !== null && !finished;
  // Once per finished action: the list shows its changes (the checked rows stay checked for a next action).
  const refreshed = useRef<string | null>(null);
  useEffect(() => {
    if (!finished || refreshed.current === runId) return;
    refreshed.current = runId;
    refresh();
  }, [finished, runId, refresh]);
  const number = (n: number) => n.toLocaleString(i18n.language);
  const allLoaded = loadedIds.length > 0 && loadedIds.every((id) => selection.selected.has(id));

  const target: BulkTarget | null =
    scope === 'selected'
      ? count > 0
        ? { contactIds: [...selection.selected] }
        : null
      : scope === 'segment'
        ? segmentId
          ? { segmentId }
          : null
        : { all: true };
  const def = (defs.data ?? []).find((d) => d.key === attr.key) ?? null;
  const action = actionOf(kind, tag, attr, def, defs.data ?? []);
  const howMany =
    scope === 'selected'
      ? t('contacts.bulk.countContacts', { count, n: number(count) })
      : scope === 'segment'
        ? t('contacts.bulk.countContacts', {
            count: members.data?.count ?? 0,
            n: members.data ? number(members.data.count) : '…',
          })
        : t('contacts.bulk.everyone');

  const submit = async (e: { preventDefault(): void }) => {
    e.preventDefault();
    if (!target) return;
    if (kind === 'export') return setExporting(true);
    if (!action) return;
    if (action.type === 'opt_out' && !confirming) return setConfirming(true);
    setConfirming(false);
    start.mutate(
      { target, action },
      {
        onSuccess: (r) => {
          setRunId(r.id);
        },
      },
    );
  };
  return (
    <section className="card bulk-bar" aria-label={t('contacts.bulk.title')}>
      <div className="bulk-row">
        <label className="bulk-check">
          <input
            type="checkbox"
            checked={allLoaded}
            disabled={loadedIds.length === 0}
            onChange={(e) => selection.setMany(loadedIds, e.target.checked)}
          />
          {t('contacts.bulk.selectLoaded', { n: number(Math.min(loadedIds.length, MAX_SELECTED)) })}
        </label>
        <span className="small" role="status">
          {t('contacts.bulk.selected', { count, n: number(count) })}
        </span>
        {count > 0 && (
          <button type="button" className="btn" onClick={selection.clear}>
            {t('contacts.bulk.clear')}
          </button>
        )}
      </div>
      <form className="bulk-row" onSubmit={(e) => void submit(e)} aria-label={t('contacts.bulk.form')}>
        <label>
          {t('contacts.bulk.scope')}{' '}
          <select value={scope} onChange={(e) => setScope(e.target.value as Scope)}>
            {scopes.map((s) => (
              <option key={s} value={s}>
                {s === 'selected'
                  ? t('contacts.bulk.scopeSelected', { n: number(count) })
                  : s === 'segment'
                    ? t('contacts.bulk.scopeSegment', {
                        name: segment?.name ?? '',
                        n: members.data ? number(members.data.count) : '…',
                      })
                    : t('contacts.bulk.scopeAll')}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('contacts.bulk.action')}{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`contacts.bulk.actions.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {(kind === 'add_tag' || kind === 'remove_tag') && (
          <label>
            {t('contacts.bulk.tag')}{' '}
            <input value={tag} maxLength={50} onChange={(e) => setTag(e.target.value)} required />
          </label>
        )}
        {kind === 'set_attribute' && (
          <AttributeInputs defs={defs.data ?? []} def={def} value={attr} onChange={setAttr} />
        )}
        <button
          type="submit"
          className={`btn ${kind === 'opt_out' ? 'danger' : 'primary'}`}
          disabled={!target || running || start.isPending || (kind !== 'export' && !action)}
        >
          {t('contacts.bulk.apply')}
        </button>
      </form>
      {(start.error ?? cancel.error) !== null && (
        <p className="form-error" role="alert">
          {errorText(start.error ?? cancel.error, t)}
        </p>
      )}
      {run.data && (
        <p className="bulk-progress" role="status">
          {run.data.status === 'done'
            ? t('contacts.bulk.done', {
                changed: number(run.data.changed),
                total: number(run.data.total ?? 0),
              })
            : run.data.status === 'failed'
              ? t('contacts.bulk.failed', { changed: number(run.data.changed) })
              : run.data.status === 'cancelled'
                ? t('contacts.bulk.cancelled', { changed: number(run.data.changed) })
                : run.data.total === null
                  ? t('contacts.bulk.queued')
                  : t('contacts.bulk.progress', {
                      processed: number(run.data.processed),
                      total: number(run.data.total),
                    })}
        </p>
      )}
      {running && run.data?.total != null && (
        <progress
          max={run.data.total || 1}
          value={run.data.processed}
          aria-label={t('contacts.bulk.title')}
        />
      )}
      {running && runId !== null && (
        <button
          type="button"
          className="btn small"
          disabled={cancel.isPending}
          onClick={() => cancel.mutate(runId)}
        >
          {t('contacts.bulk.cancelRun')}
        </button>
      )}
      {exporting && (
        <ExportDialog
          target={
            scope === 'selected'
              ? { kind: 'selected', contactIds: [...selection.selected] }
              : scope === 'segment' && segment
                ? { kind: 'segment', id: segment.id, name: segment.name }
                : { kind: 'all' }
          }
          onClose={() => setExporting(false)}
        />
      )}
      {confirming && (
        <Dialog title={t('contacts.bulk.optOutTitle')} onClose={() => setConfirming(false)}>
          <p>{t('contacts.bulk.optOutConfirm', { who: howMany })}</p>
          <p className="small muted">{t('contacts.bulk.optOutExplain')}</p>
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setConfirming(false)}>
              {t('contacts.cancel')}
            </button>
            <button type="button" className="btn danger" onClick={(e) => void submit(e)}>
              {t('contacts.bulk.optOutAction')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}

/** The action the bar's inputs describe, or null while they are incomplete. */
function actionOf(
  kind: Kind,
  tag: string,
  attr: { key: string; value: string },
  def: AttributeDefinitionDto | null,
  defs: AttributeDefinitionDto[],
): BulkAction | null {
  switch (kind) {
    case 'add_tag':
    case 'remove_tag':
      return tag.trim() ? { type: kind, tag: tag.trim() } : null;
    case 'opt_out':
      return { type: 'opt_out', purpose: 'marketing' };
    case 'export':
      return null;
    case 'set_attribute': {
      const key = attr.key.trim();
      if (!key || (defs.length > 0 && !def) || attr.value === '') return null;
      const value = attributeValue(def ?? undefined, attr.value);
      return typeof value === 'number' && !Number.isFinite(value)
        ? null
        : { type: 'set_attribute', key, value: value as string | number | boolean };
    }
  }
}

/**
 * The attribute key (a defined one, or any key in a workspace without a schema) and its value, with the contact
 * page's input for the key's type (a number, a date, yes/no, one of the choices, or text).
 */
function AttributeInputs({
  defs,
  def,
  value,
  onChange,
}: {
  defs: AttributeDefinitionDto[];
  def: AttributeDefinitionDto | null;
  value: { key: string; value: string };
  onChange: (v: { key: string; value: string }) => void;
}) {
  const { t } = useTranslation();
  const setValue = (v: string) => onChange({ ...value, value: v });
  const valueLabel = t('contacts.bulk.attributeValue');
  return (
    <>
      <label>
        {t('contacts.bulk.attribute')}{' '}
        {defs.length > 0 ? (
          <select value={value.key} onChange={(e) => onChange({ key: e.target.value, value: '' })} required>
            <option value="" />
            {defs.map((d) => (
              <option key={d.key} value={d.key}>
                {d.label} ({d.key})
              </option>
            ))}
          </select>
        ) : (
          <input
            value={value.key}
            maxLength={200}
            onChange={(e) => onChange({ ...value, key: e.target.value })}
            required
          />
        )}
      </label>
      <label>
        {valueLabel}{' '}
        <AttributeValueInput
          def={def ?? undefined}
          value={value.value}
          onChange={setValue}
          label={valueLabel}
        />
      </label>
    </>
  );
}
