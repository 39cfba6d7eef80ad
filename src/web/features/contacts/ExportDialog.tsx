import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/Dialog.tsx';
import { saveBlob } from '../../lib/download.ts';
import { errorText } from '../../lib/errors.ts';
import { exportCsvUrl, exportSelectionCsv, type ExportEncoding } from './queries.ts';

/** What is exported: every contact, a saved segment as it stands now, or the contacts checked in the list. */
export type ExportTarget =
  | { kind: 'all' }
  | { kind: 'segment'; id: string; name: string }
  | { kind: 'selected'; contactIds: string[] };

/**
 * The one way the console exports contacts: the target said in words and a download in either encoding, UTF-8
 * with a BOM (Excel, Google Sheets) or Shift_JIS (older Japanese Excel). Everyone and a segment download from
 * the streamed GET; checked contacts are posted (their ids do not fit an address) and saved from the answer.
 */
export function ExportDialog({ target, onClose }: { target: ExportTarget; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const what =
    target.kind === 'all'
      ? t('contacts.export.all')
      : target.kind === 'segment'
        ? t('contacts.export.segment', { name: target.name })
        : t('contacts.export.selected', {
            count: target.contactIds.length,
            n: target.contactIds.length.toLocaleString(i18n.language),
          });
  const saveSelected = async (encoding: ExportEncoding) => {
    if (target.kind !== 'selected') return;
    setError(null);
    try {
      saveBlob(fileName(encoding), await exportSelectionCsv(target.contactIds, encoding));
      onClose();
    } catch (err) {
      setError(err);
    }
  };
  const button = (encoding: ExportEncoding, label: string, primary: boolean) =>
    target.kind === 'selected' ? (
      <button
        type="button"
        className={primary ? 'btn primary' : 'btn'}
        onClick={() => void saveSelected(encoding)}
      >
        {label}
      </button>
    ) : (
      <a
        className={primary ? 'btn primary' : 'btn'}
        href={exportCsvUrl(target.kind === 'segment' ? target.id : null, encoding)}
        download={fileName(encoding)}
        onClick={onClose}
      >
        {label}
      </a>
    );
  return (
    <Dialog title={t('contacts.export.title')} onClose={onClose}>
      <p>{what}</p>
      <p className="small muted">{t('contacts.export.help')}</p>
      <div className="form-actions">
        {button('utf-8', t('contacts.export.utf8'), true)}
        {button('shift_jis', t('contacts.export.sjis'), false)}
      </div>
      {error !== null && (
        <p className="form-error" role="alert">
          {errorText(error, t)}
        </p>
      )}
    </Dialog>
  );
}

const fileName = (encoding: ExportEncoding) =>
  encoding === 'shift_jis' ? 'contacts-sjis.csv' : 'contacts.csv';
