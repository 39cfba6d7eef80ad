import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog.tsx';
import { errorText } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useTagAction, useTagConflicts, useTagHygiene, type TagConflictPair } from './queries.ts';

type Confirming = { kind: 'delete'; tag: string } | { kind: 'merge'; from: string; to: string } | null;

/**
 * The tag hygiene report, opened on demand: tags unused for 6 months (delete each), contacts with more than 15
 * tags, declared conflicting tags found together (resolve by each pair's kept tag), the declared pairs (add,
 * remove), and merging one tag into another. Deletes and merges are confirmed in a dialog. Without `canManage`
 * (agents and analysts, whom the API refuses) the report is read only: no delete, resolve, pair or merge controls.
 */
export function TagHygiene({ canManage }: { canManage: boolean }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const report = useTagHygiene(open);
  const pairs = useTagConflicts(open);
  const action = useTagAction();
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [pair, setPair] = useState<TagConflictPair>({ a: '', b: '', keep: null });

  if (!open)
    return (
      <button type="button" className="btn" onClick={() => setOpen(true)}>
        {t('contacts.hygiene.open')}
      </button>
    );
  const data = report.data;
  const declared = pairs.data ?? [];
  const setPairs = (next: TagConflictPair[]) => action.mutate({ kind: 'conflicts', pairs: next });
  const addPair = (e: FormEvent) => {
    e.preventDefault();
    if (!pair.a.trim() || !pair.b.trim()) return;
    setPairs([...declared, { a: pair.a.trim(), b: pair.b.trim(), keep: pair.keep }]);
    setPair({ a: '', b: '', keep: null });
  };
  return (
    <section className="tag-hygiene" aria-label={t('contacts.hygiene.title')}>
      <h2>{t('contacts.hygiene.title')}</h2>
      {report.error && (
        <p className="form-error" role="alert">
          {errorText(report.error, t)}
        </p>
      )}
      {action.error && (
        <p className="form-error" role="alert">
          {errorText(action.error, t)}
        </p>
      )}
      {!data ? (
        report.isLoading && <p className="small muted">{t('app.loading')}</p>
      ) : (
        <>
          <h3>{t('contacts.hygiene.unused')}</h3>
          <p className="small muted">{t('contacts.hygiene.unusedHelp')}</p>
          {data.unused.length === 0 ? (
            <p className="small muted">{t('contacts.hygiene.none')}</p>
          ) : (
            <ul className="plain-list hygiene-unused">
              {data.unused.map((u) => (
                <li key={u.tag}>
                  <span className="chip" data-content>
                    {u.tag}
                  </span>{' '}
                  {t('contacts.hygiene.unusedLine', {
                    contacts: u.contacts,
                    at: formatDateTime(u.lastUsedAt, i18n.language),
                  })}{' '}
                  {canManage && (
                    <button
                      type="button"
                      className="btn"
                      onClick={() => setConfirming({ kind: 'delete', tag: u.tag })}
                    >
                      {t('contacts.delete')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}

          <h3>{t('contacts.hygiene.overTagged')}</h3>
          <p className="hygiene-over" role="status">
            {t('contacts.hygiene.overTaggedCount', { count: data.overTagged.count })}
          </p>
          {data.overTagged.sample.length > 0 && (
            <ul className="plain-list">
              {data.overTagged.sample.map((c) => (
                <li key={c.contactId}>
                  <span data-content>{c.name ?? c.contactId}</span>{' '}
                  {t('contacts.hygiene.tagCount', { count: c.tags.length })}
                </li>
              ))}
            </ul>
          )}

          <h3>{t('contacts.hygiene.conflicts')}</h3>
          {data.conflicts.length === 0 ? (
            <p className="small muted">{t('contacts.hygiene.none')}</p>
          ) : (
            <ul className="plain-list hygiene-conflicts">
              {data.conflicts.map((c) => (
                <li key={c.tags.join('\u0000')}>
                  <span data-content>{c.tags.join(' / ')}</span>{' '}
                  {t('contacts.hygiene.conflictLine', { count: c.contacts })}{' '}
                  {c.keep && (
                    <span className="small muted">
                      {t('contacts.hygiene.keeps', { tag: c.keep === 'a' ? c.tags[0] : c.tags[1] })}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
          {canManage && (
            <button
              type="button"
              className="btn"
              disabled={action.isPending || !data.conflicts.some((c) => c.keep)}
              onClick={() => action.mutate({ kind: 'resolve' })}
            >
              {t('contacts.hygiene.resolve')}
            </button>
          )}
        </>
      )}

      <h3>{t('contacts.hygiene.declared')}</h3>
      <ul className="plain-list">
        {declared.map((p) => (
          <li key={`${p.a}\u0000${p.b}`}>
            <span data-content>{`${p.a} / ${p.b}`}</span>{' '}
            {p.keep && (
              <span className="small muted">
                {t('contacts.hygiene.keeps', { tag: p.keep === 'a' ? p.a : p.b })}
              </span>
            )}{' '}
            {canManage && (
              <button
                type="button"
                className="btn"
                disabled={action.isPending}
                onClick={() => setPairs(declared.filter((x) => x !== p))}
              >
                {t('contacts.removeRow')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {pairs.isSuccess && declared.length === 0 && (
        <p className="small muted">{t('contacts.hygiene.none')}</p>
      )}
      {canManage && (
        <>
          <form className="hygiene-form" onSubmit={addPair}>
            <label className="field compact">
              <span>{t('contacts.hygiene.tagA')}</span>
              <input
                value={pair.a}
                onChange={(e) => setPair({ ...pair, a: e.target.value })}
                maxLength={50}
              />
            </label>
            <label className="field compact">
              <span>{t('contacts.hygiene.tagB')}</span>
              <input
                value={pair.b}
                onChange={(e) => setPair({ ...pair, b: e.target.value })}
                maxLength={50}
              />
            </label>
            <label className="field compact">
              <span>{t('contacts.hygiene.keep')}</span>
              <select
                value={pair.keep ?? ''}
                onChange={(e) =>
                  setPair({ ...pair, keep: e.target.value === '' ? null : (e.target.value as 'a' | 'b') })
                }
              >
                <option value="">{t('contacts.hygiene.keepNone')}</option>
                <option value="a">{t('contacts.hygiene.tagA')}</option>
                <option value="b">{t('contacts.hygiene.tagB')}</option>
              </select>
            </label>
            <button
              type="submit"
              className="btn"
              disabled={action.isPending || !pair.a.trim() || !pair.b.trim()}
            >
              {t('contacts.hygiene.addPair')}
            </button>
          </form>

          <h3>{t('contacts.hygiene.merge')}</h3>
          <form
            className="hygiene-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (from.trim() && to.trim())
                setConfirming({ kind: 'merge', from: from.trim(), to: to.trim() });
            }}
          >
            <label className="field compact">
              <span>{t('contacts.hygiene.from')}</span>
              <input value={from} onChange={(e) => setFrom(e.target.value)} maxLength={50} />
            </label>
            <label className="field compact">
              <span>{t('contacts.hygiene.to')}</span>
              <input value={to} onChange={(e) => setTo(e.target.value)} maxLength={50} />
            </label>
            <button
              type="submit"
              className="btn"
              disabled={!from.trim() || !to.trim() || from.trim() === to.trim()}
            >
              {t('contacts.hygiene.mergeAction')}
            </button>
          </form>
        </>
      )}

      {confirming && (
        <Dialog title={t('contacts.hygiene.title')} onClose={() => setConfirming(null)}>
          <p>
            {confirming.kind === 'delete'
              ? t('contacts.hygiene.deleteConfirm', { tag: confirming.tag })
              : t('contacts.hygiene.mergeConfirm', { from: confirming.from, to: confirming.to })}
          </p>
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setConfirming(null)}>
              {t('contacts.cancel')}
            </button>
            <button
              type="button"
              className="btn danger"
              disabled={action.isPending}
              onClick={() =>
                action.mutate(confirming, {
                  onSuccess: () => {
                    setConfirming(null);
                    setFrom('');
                    setTo('');
                  },
                })
              }
            >
              {confirming.kind === 'delete' ? t('contacts.delete') : t('contacts.hygiene.mergeAction')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
