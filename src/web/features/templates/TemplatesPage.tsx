import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TemplateDto } from '../../../contracts/template.schemas.ts';
import { api } from '../../lib/api.ts';
import { templateKeys, useTemplateAlerts, useTemplateList } from './queries.ts';
import { TemplateFormPanel } from './TemplateForm.tsx';

const KNOWN_STATUSES = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'];

/**
 * Message templates: the list with status chips, the alerts (rejections, pauses, quality drops,
 * recategorisations) to acknowledge, and — for owners and admins — the create/edit form with its preview and
 * checks. The list refreshes while a template is in review, so approval shows up by itself.
 */
export default function TemplatesPage({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useTemplateList();
  const templates = list.data ?? [];
  const alerts = useTemplateAlerts(templates.some((x) => x.status === 'PENDING'));
  const [editing, setEditing] = useState<TemplateDto | 'new' | null>(null);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<string | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: templateKeys.all });
  const wabaId = templates[0]?.wabaId ?? null;
  const statusLabel = (s: string) =>
    KNOWN_STATUSES.includes(s) ? t(`templates.statuses.${s}`) : `${t('templates.statuses.other')} (${s})`;
  const run = (p: Promise<unknown>) => void p.then(refresh, (err: Error) => setError(err.message));

  return (
    <div className="templates-page">
      <header className="contacts-head">
        <h1>{t('templates.title')}</h1>
        {canManage && !editing && (
          <>
            <button type="button" className="btn primary" onClick={() => setEditing('new')}>
              {t('templates.new')}
            </button>
            <button
              type="button"
              className="btn subtle"
              onClick={() =>
                run(
                  api<{ synced: number }>('/templates/sync', { body: {} }).then((r) =>
                    setNotice(t('templates.synced', { count: r.synced })),
                  ),
                )
              }
            >
              {t('templates.sync')}
            </button>
          </>
        )}
      </header>
      <p className="small muted">{t('templates.intro')}</p>
      {notice && (
        <p className="banner" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {(alerts.data?.length ?? 0) > 0 && (
        <section aria-label={t('templates.alerts')} className="template-alerts">
          <h2>{t('templates.alerts')}</h2>
          <ul className="card-list">
            {alerts.data!.map((a) => (
              <li key={a.id} className="card row-card alert" data-kind={a.kind}>
                <span>
                  {t(`templates.alert.${a.kind}`, { name: a.name, language: a.language, value: a.value })}
                  {a.reason && <span className="block small muted">{a.reason}</span>}
                </span>
                <span className="spacer" />
                {canManage && (
                  <button
                    type="button"
                    className="btn subtle small"
                    onClick={() => run(api(`/templates/alerts/${a.id}/acknowledge`, { method: 'POST' }))}
                  >
                    {t('templates.acknowledge')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {editing ? (
        <TemplateFormPanel
          wabaId={wabaId}
          editing={editing === 'new' ? null : editing}
          onDone={(message) => {
            setEditing(null);
            setNotice(message);
            refresh();
          }}
        />
      ) : (
        <>
          {list.isSuccess && templates.length === 0 && <p className="list-status">{t('templates.empty')}</p>}
          <table className="table templates-table">
            <thead>
              <tr>
                <th>{t('templates.name')}</th>
                <th>{t('templates.language')}</th>
                <th>{t('templates.category')}</th>
                <th>{t('templates.status')}</th>
                <th>{t('templates.quality')}</th>
                {canManage && <th />}
              </tr>
            </thead>
            <tbody>
              {templates.map((tp) => (
                <tr key={`${tp.wabaId}:${tp.name}:${tp.language}`} data-template={tp.name}>
                  <td>
                    <code>{tp.name}</code>
                  </td>
                  <td>{tp.language}</td>
                  <td>
                    {['MARKETING', 'UTILITY', 'AUTHENTICATION'].includes(tp.category)
                      ? t(`templates.categories.${tp.category}`)
                      : tp.category}
                  </td>
                  <td>
                    <span className={`chip status-${tp.status.toLowerCase()}`} data-status={tp.status}>
                      {statusLabel(tp.status)}
                    </span>
                    {tp.rejectedReason && (
                      <span className="block small muted">
                        {t('templates.rejectedBecause', { reason: tp.rejectedReason })}
                      </span>
                    )}
                  </td>
                  <td>{tp.qualityScore ?? '—'}</td>
                  {canManage && (
                    <td className="actions">
                      {tp.id && ['APPROVED', 'REJECTED', 'PAUSED'].includes(tp.status) && (
                        <button type="button" className="btn subtle small" onClick={() => setEditing(tp)}>
                          {t('templates.edit')}
                        </button>
                      )}
                      {tp.id && (
                        <button
                          type="button"
                          className="btn subtle small danger"
                          onClick={() => {
                            if (
                              window.confirm(
                                t('templates.confirmDelete', { name: tp.name, language: tp.language }),
                              )
                            )
                              run(api(`/templates/${tp.id}`, { method: 'DELETE' }));
                          }}
                        >
                          {t('templates.delete')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
