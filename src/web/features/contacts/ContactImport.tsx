import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, navigate } from '../../app/router.tsx';
import { errorText } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useImport, useStartImport, type ImportOptions } from './queries.ts';

/** Row errors shown on the page; the downloadable report has every stored one. */
const SHOWN_ERRORS = 100;
const ENCODINGS: ImportOptions['encoding'][] = ['auto', 'shift_jis', 'utf-8', 'utf-16le', 'utf-16be'];

/**
 * Contact import (admins), at `/contacts/import`: pick a CSV file, say what to do with contacts that exist
 * already, its encoding (detected by default: Japanese Excel writes Shift_JIS) and the country of numbers written
 * without `+`; the file is uploaded as it is and read by the server in the background. At
 * `/contacts/import/{id}` the import's progress while it runs, then its counts and row errors, with the whole
 * error report as a CSV download. The id is in the address, so a reload or a shared link finds the import again.
 */
export function ContactImport({ importId }: { importId: string | null }) {
  const { t } = useTranslation();
  return (
    <div className="contact-page import-page">
      <p>
        <Link href="/contacts">← {t('contacts.title')}</Link>
      </p>
      <h1>{t('contacts.import.title')}</h1>
      {importId ? <ImportProgress id={importId} /> : <ImportForm />}
    </div>
  );
}

function ImportForm() {
  const { t, i18n } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [options, setOptions] = useState<ImportOptions>({
    onExisting: 'update',
    encoding: 'auto',
    country: i18n.language.startsWith('ja') ? 'JP' : '',
  });
  const start = useStartImport();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    start.mutate(
      { file, options: { ...options, country: options.country.trim().toUpperCase() } },
      { onSuccess: (r) => navigate(`/contacts/import/${r.id}`) },
    );
  };
  return (
    <form className="card contact-section import-form" onSubmit={submit}>
      <p className="small">{t('contacts.import.help')}</p>
      <p className="small muted">{t('contacts.import.columns')}</p>
      <label className="field">
        <span>{t('contacts.import.file')}</span>
        <input
          type="file"
          accept=".csv,.txt,text/csv"
          required
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </label>
      <label className="field">
        <span>{t('contacts.import.onExisting')}</span>
        <select
          value={options.onExisting}
          onChange={(e) =>
            setOptions({ ...options, onExisting: e.target.value as ImportOptions['onExisting'] })
          }
        >
          <option value="update">{t('contacts.import.update')}</option>
          <option value="skip">{t('contacts.import.skip')}</option>
        </select>
      </label>
      <label className="field">
        <span>{t('contacts.import.encoding')}</span>
        <select
          value={options.encoding}
          onChange={(e) => setOptions({ ...options, encoding: e.target.value as ImportOptions['encoding'] })}
        >
          {ENCODINGS.map((enc) => (
            <option key={enc} value={enc}>
              {t(`contacts.import.encodings.${enc}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('contacts.import.country')}</span>
        <input
          value={options.country}
          maxLength={2}
          pattern="[A-Za-z]{2}"
          placeholder="JP"
          onChange={(e) => setOptions({ ...options, country: e.target.value })}
        />
      </label>
      <p className="small muted">{t('contacts.import.countryHelp')}</p>
      {start.error && (
        <p className="form-error" role="alert">
          {errorText(start.error, t)}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={!file || start.isPending}>
          {start.isPending ? t('contacts.import.uploading') : t('contacts.import.start')}
        </button>
      </div>
    </form>
  );
}

function ImportProgress({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const imp = useImport(id);
  const d = imp.data;
  if (!d) return <p className="list-status">{imp.isError ? errorText(imp.error, t) : t('app.loading')}</p>;
  const finished = d.status === 'done' || d.status === 'failed';
  const n = (v: number) => v.toLocaleString(i18n.language);
  return (
    <>
      <section className="card contact-section" aria-label={t('contacts.import.progress')}>
        <p role="status" className="import-status">
          {t(`contacts.import.status.${d.status}`)}
          {d.finishedAt && <> · {formatDateTime(d.finishedAt, i18n.language)}</>}
        </p>
        {!finished && <progress aria-label={t('contacts.import.progress')} />}
        <dl className="contact-profile import-counts">
          <dt>{t('contacts.import.rows')}</dt>
          <dd data-count="rows">{n(d.rows)}</dd>
          <dt>{t('contacts.import.created')}</dt>
          <dd data-count="created">{n(d.created)}</dd>
          <dt>{t('contacts.import.updated')}</dt>
          <dd data-count="updated">{n(d.updated)}</dd>
          <dt>{t('contacts.import.skipped')}</dt>
          <dd data-count="skipped">{n(d.skipped)}</dd>
          <dt>{t('contacts.import.failed')}</dt>
          <dd data-count="failed">{n(d.failed)}</dd>
        </dl>
        {d.encoding && (
          <p className="small muted">
            {t('contacts.import.readAs', {
              encoding: t(`contacts.import.encodings.${d.encoding}`, { defaultValue: d.encoding }),
            })}
          </p>
        )}
        {d.status === 'failed' && (
          <p className="form-error" role="alert">
            {t('contacts.import.fileFailed')}
          </p>
        )}
        <div className="form-actions">
          <Link href="/contacts/import" className="btn">
            {t('contacts.import.another')}
          </Link>
          {finished && (
            <Link href="/contacts" className="btn">
              {t('contacts.import.toList')}
            </Link>
          )}
        </div>
      </section>
      {d.failed > 0 && (
        <section className="card contact-section" aria-label={t('contacts.import.errors')}>
          <h2>{t('contacts.import.errors')}</h2>
          <p className="small muted">
            {d.failed > Math.min(SHOWN_ERRORS, d.errors.length)
              ? t('contacts.import.errorsFirst', { shown: n(Math.min(SHOWN_ERRORS, d.errors.length)) })
              : null}
            {d.failed > d.errorsStored && (
              <> {t('contacts.import.errorsCapped', { stored: n(d.errorsStored) })}</>
            )}
          </p>
          <a
            className="btn"
            href={`/api/v1/contacts/imports/${encodeURIComponent(id)}/errors.csv`}
            download={`import-${id}-errors.csv`}
          >
            {t('contacts.import.downloadErrors')}
          </a>
          <table className="table import-errors">
            <thead>
              <tr>
                <th>{t('contacts.import.row')}</th>
                <th>{t('contacts.import.column')}</th>
                <th>{t('contacts.import.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {d.errors.slice(0, SHOWN_ERRORS).map((er, i) => (
                <tr key={`${er.row}-${i}`}>
                  <td className="mono">{er.row}</td>
                  <td className="mono" data-content>
                    {er.column ?? '—'}
                  </td>
                  <td>
                    {t(`contacts.import.codes.${er.code}`, {
                      defaultValue: t('contacts.import.codes.other'),
                    })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
