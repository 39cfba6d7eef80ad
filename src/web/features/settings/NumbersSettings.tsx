import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { keys, usePhoneNumbers } from '../../lib/queries.ts';
import type { ConnectionTest, PhoneNumber } from '../../lib/types.ts';
import { NumberConnect } from './NumberConnect.tsx';
import { NumberHealth } from './NumberHealth.tsx';

interface Draft {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  accessToken: string;
  label: string;
  mps: string;
}
const EMPTY: Draft = {
  phoneNumberId: '',
  displayPhoneNumber: '',
  wabaId: '',
  accessToken: '',
  label: '',
  mps: '80',
};

/**
 * Phone numbers: list with their health, connect one step by step (see {@link NumberConnect}), edit (token
 * never shown), and "test connection" against the Cloud API.
 */
export function NumbersSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const numbers = usePhoneNumbers();
  const [editing, setEditing] = useState<PhoneNumber | 'new' | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [error, setError] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, string>>({});
  const [connecting, setConnecting] = useState<PhoneNumber | 'new' | null>(null);

  const start = (n: PhoneNumber | 'new') => {
    setEditing(n);
    setError(null);
    setDraft(
      n === 'new'
        ? EMPTY
        : {
            phoneNumberId: n.phoneNumberId,
            displayPhoneNumber: n.displayPhoneNumber,
            wabaId: n.wabaId,
            accessToken: '',
            label: n.label ?? '',
            mps: String(n.mps),
          },
    );
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const common = {
        displayPhoneNumber: draft.displayPhoneNumber,
        wabaId: draft.wabaId,
        label: draft.label || null,
        mps: Number(draft.mps) || 80,
      };
      if (editing === 'new')
        await api('/phone-numbers', {
          body: { ...common, phoneNumberId: draft.phoneNumberId, accessToken: draft.accessToken },
        });
      else if (editing)
        await api(`/phone-numbers/${editing.id}`, {
          method: 'PATCH',
          body: { ...common, ...(draft.accessToken ? { accessToken: draft.accessToken } : {}) },
        });
      setEditing(null);
      void qc.invalidateQueries({ queryKey: keys.phoneNumbers });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const test = async (n: PhoneNumber) => {
    setTests((s) => ({ ...s, [n.id]: t('settings.numbers.testing') }));
    try {
      const r = await api<ConnectionTest>(`/phone-numbers/${n.id}/test`, { method: 'POST' });
      setTests((s) => ({
        ...s,
        [n.id]: r.ok
          ? t('settings.numbers.testOk', {
              number: r.displayPhoneNumber ?? n.displayPhoneNumber,
              quality: r.qualityRating ?? '—',
            })
          : t('settings.numbers.testFailed', { message: r.error?.message ?? '' }),
      }));
    } catch (err) {
      setTests((s) => ({
        ...s,
        [n.id]: t('settings.numbers.testFailed', {
          message: err instanceof Error ? err.message : String(err),
        }),
      }));
    }
  };
  const field = (k: keyof Draft, label: string, extra: Record<string, unknown> = {}) => (
    <label className="field">
      <span>{label}</span>
      <input value={draft[k]} onChange={(e) => setDraft({ ...draft, [k]: e.target.value })} {...extra} />
    </label>
  );

  return (
    <div>
      <table className="table">
        <thead>
          <tr>
            <th>{t('settings.numbers.label')}</th>
            <th>{t('settings.numbers.display')}</th>
            <th>{t('settings.numbers.phoneNumberId')}</th>
            <th>{t('settings.numbers.status')}</th>
            <th>{t('settings.health.title')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(numbers.data ?? []).map((n) => (
            <tr key={n.id}>
              <td>{n.label ?? '—'}</td>
              <td>{n.displayPhoneNumber}</td>
              <td className="mono small">{n.phoneNumberId}</td>
              <td>
                {t(`settings.numbers.statuses.${n.status}`, { defaultValue: n.status })}
                {tests[n.id] && (
                  <div className="small" role="status">
                    {tests[n.id]}
                  </div>
                )}
              </td>
              <td>
                <NumberHealth number={n} />
              </td>
              <td className="actions">
                <button type="button" className="btn subtle small" onClick={() => setConnecting(n)}>
                  {t('settings.connect.resume')}
                </button>
                <button type="button" className="btn subtle small" onClick={() => void test(n)}>
                  {t('settings.numbers.test')}
                </button>
                <button type="button" className="btn subtle small" onClick={() => start(n)}>
                  {t('app.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {connecting !== null && (
        <NumberConnect
          key={connecting === 'new' ? 'new' : connecting.id}
          initial={connecting === 'new' ? null : connecting}
          onClose={() => setConnecting(null)}
        />
      )}
      {editing === null ? (
        connecting === null && (
          <div className="form-actions">
            <button type="button" className="btn primary" onClick={() => setConnecting('new')}>
              + {t('settings.connect.open')}
            </button>
            <button type="button" className="btn subtle" onClick={() => start('new')}>
              {t('settings.numbers.add')}
            </button>
          </div>
        )
      ) : (
        <form className="card form-grid" onSubmit={(e) => void save(e)}>
          {editing === 'new' &&
            field('phoneNumberId', t('settings.numbers.phoneNumberId'), {
              required: true,
              pattern: '\\d{1,32}',
            })}
          {field('displayPhoneNumber', t('settings.numbers.display'), { required: true })}
          {field('wabaId', t('settings.numbers.waba'), { required: true, pattern: '\\d{1,32}' })}
          {field('label', t('settings.numbers.label'))}
          {field('mps', t('settings.numbers.mps'), { type: 'number', min: 1, max: 1000 })}
          {field('accessToken', t('settings.numbers.token'), {
            type: 'password',
            required: editing === 'new',
            placeholder: editing === 'new' ? '' : t('settings.numbers.tokenKeep'),
            autoComplete: 'off',
          })}
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="form-actions">
            <button type="submit" className="btn primary">
              {t('app.save')}
            </button>
            <button type="button" className="btn subtle" onClick={() => setEditing(null)}>
              {t('app.cancel')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
