import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RECIPIENT_STATUSES, type CampaignDto } from '../../../contracts/campaign.schemas.ts';
import { Link } from '../../app/router.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { ApiError } from '../../lib/api.ts';
import { errorText } from '../../lib/errors.ts';
import { usePhoneNumbers } from '../../lib/queries.ts';
import { formatCount } from '../analytics/format.ts';
import { CampaignBuilder } from './CampaignBuilder.tsx';
import { liveRefreshMs, offeredActions, type CampaignAbilities } from './campaign-view.ts';
import { EstimatePanel } from './DraftActions.tsx';
import { errorCodeText, formatInstant, scheduleText, skipReasonText } from './format.ts';
import { funnelStages } from './funnel.ts';
import { Funnel, StatusChip } from './parts.tsx';
import {
  useCampaign,
  useCampaignAction,
  useCampaignEstimate,
  useCampaignFunnel,
  useCampaignRecipients,
  useSegments,
  type RecipientStatus,
} from './queries.ts';

/** `/campaigns/{id}`: a draft opens in the builder (for those who may edit it), anything else in its live page. */
export function CampaignPage({ id, can }: { id: string; can: CampaignAbilities }) {
  const { t } = useTranslation();
  const campaign = useCampaign(id);
  if (campaign.isError)
    return (
      <div className="campaigns-page">
        <p className="form-error" role="alert">
          {campaign.error instanceof ApiError && campaign.error.status === 404
            ? t('errors.code.not_found')
            : errorText(campaign.error, t)}
        </p>
        <Link href="/campaigns">{t('campaigns.title')}</Link>
      </div>
    );
  if (!campaign.data) return <div className="list-status">{t('app.loading')}</div>;
  if (campaign.data.status === 'draft' && can.edit)
    return <CampaignBuilder campaign={campaign.data} can={can} />;
  return <CampaignLive campaign={campaign.data} can={can} />;
}

type Action = ReturnType<typeof offeredActions>[number];

/**
 * A launched (or read-only) campaign: what it sends to whom and when, the transitions the role may make (each
 * confirmed), the live counters with skips by reason and failures by Graph error code, the funnel and the
 * recipients by status. Refreshes by itself while the counters can move.
 */
function CampaignLive({ campaign: c, can }: { campaign: CampaignDto; can: CampaignAbilities }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const live = liveRefreshMs(c);
  const action = useCampaignAction();
  const [confirm, setConfirm] = useState<Action | null>(null);
  const funnel = useCampaignFunnel(c.id, live);
  const estimate = useCampaignEstimate(c.id, c.updatedAt, c.status === 'awaiting_approval' && can.manage);
  const numbers = usePhoneNumbers().data ?? [];
  const segments = useSegments().data ?? [];
  const counters = c.counters;
  const stages = counters ? funnelStages(counters, funnel.data ?? null) : [];
  const count = (n: number) => formatCount(n, locale);
  const actions = offeredActions(c.status, can);
  const numberName = (id: string) => {
    const n = numbers.find((x) => x.id === id);
    return n ? (n.label ?? n.displayPhoneNumber) : id;
  };
  const segmentName = (id: string) => segments.find((s) => s.id === id)?.name ?? id;
  const audience = c.audience;
  const failedTotal = counters?.failed.reduce((n, f) => n + f.count, 0) ?? 0;
  const stage = (key: string) => stages.find((s) => s.key === key)?.count ?? 0;

  return (
    <div className="campaigns-page campaign-live" data-status={c.status}>
      <header className="contacts-head">
        <Link href="/campaigns" className="btn subtle small">
          ← {t('campaigns.title')}
        </Link>
        <h1 data-content>{c.name}</h1>
        <StatusChip status={c.status} />
        <span className="spacer" />
        {actions.map((a) => (
          <button
            key={a}
            type="button"
            className={`btn ${a === 'approve' || a === 'resume' ? 'primary' : 'subtle'} ${a === 'cancel' ? 'danger' : ''}`}
            disabled={action.isPending}
            onClick={() => setConfirm(a)}
          >
            {t(`campaigns.actions.${a}`)}
          </button>
        ))}
      </header>
      {action.isError && (
        <p className="form-error" role="alert">
          {errorText(action.error, t)}
        </p>
      )}
      {c.status === 'awaiting_approval' && (
        <p className="banner" role="status">
          {can.manage ? t('campaigns.awaitingYou') : t('campaigns.awaiting')}
        </p>
      )}
      <dl className="campaign-summary card">
        <div>
          <dt>{t('campaigns.template')}</dt>
          <dd>
            <code>{c.template.name}</code> <span className="small muted">{c.template.language}</span>
          </dd>
        </div>
        <div>
          <dt>{t('campaigns.numbers')}</dt>
          <dd data-content>{c.phoneNumberIds.map(numberName).join(', ')}</dd>
        </div>
        <div>
          <dt>{t('campaigns.audience')}</dt>
          <dd>
            {'segmentId' in audience ? (
              <span data-content>{segmentName(audience.segmentId)}</span>
            ) : 'condition' in audience ? (
              <code>
                {typeof audience.condition === 'string'
                  ? audience.condition
                  : t('campaigns.audienceKinds.condition')}
              </code>
            ) : 'importId' in audience ? (
              t('campaigns.audienceCsv')
            ) : (
              t('campaigns.audienceContacts', {
                count: audience.contactIds.length,
                value: count(audience.contactIds.length),
              })
            )}
            {c.exclusions.segmentIds.length > 0 && (
              <span className="block small muted">
                {t('campaigns.excluding')}{' '}
                <span data-content>{c.exclusions.segmentIds.map(segmentName).join(', ')}</span>
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('campaigns.when')}</dt>
          <dd data-schedule={c.schedule.kind}>
            {scheduleText(c.schedule, t, locale)}
            <span className="block small muted">
              {t('campaigns.quietSummary', { start: c.quietHours.start, end: c.quietHours.end })}
            </span>
          </dd>
        </div>
        {c.launchedAt && (
          <div>
            <dt>{t('campaigns.launchedAt')}</dt>
            <dd>{formatInstant(c.launchedAt, locale)}</dd>
          </div>
        )}
        {c.completedAt && (
          <div>
            <dt>{t('campaigns.completedAt')}</dt>
            <dd>{formatInstant(c.completedAt, locale)}</dd>
          </div>
        )}
      </dl>

      {c.status === 'awaiting_approval' && can.manage && (
        <EstimatePanel estimate={estimate.data} loading={estimate.isFetching} error={estimate.error} />
      )}

      {counters && c.status !== 'awaiting_approval' && (
        <>
          <section aria-labelledby="campaign-counters-title" className="campaign-counters">
            <h2 id="campaign-counters-title">
              {t('campaigns.counters.title')}
              {live !== false && <span className="chip live-chip">{t('campaigns.counters.live')}</span>}
            </h2>
            <div className="kpi-grid">
              <Figure
                name="eligible"
                label={t('campaigns.counters.eligible')}
                value={count(counters.eligible)}
              />
              <Figure
                name="planned"
                label={t('campaigns.counters.planned')}
                value={count(counters.planned)}
              />
              <Figure name="queued" label={t('campaigns.counters.queued')} value={count(counters.queued)} />
              <Figure name="sent" label={t('campaigns.funnel.sent')} value={count(stage('sent'))} />
              <Figure
                name="delivered"
                label={t('campaigns.funnel.delivered')}
                value={count(stage('delivered'))}
              />
              <Figure name="read" label={t('campaigns.funnel.read')} value={count(stage('read'))} />
              <Figure name="replied" label={t('campaigns.funnel.replied')} value={count(stage('replied'))} />
              {typeof funnel.data?.clicked === 'number' && (
                <Figure
                  name="clicked"
                  label={t('campaigns.funnel.clicked')}
                  value={count(funnel.data.clicked)}
                />
              )}
              <Figure name="failed" label={t('campaigns.counters.failed')} value={count(failedTotal)} />
            </div>
            <p className="small muted">{t('campaigns.counters.hint')}</p>
            <div className="campaign-breakdowns">
              <div>
                <h3>{t('campaigns.counters.skipped')}</h3>
                {Object.keys(counters.skipped).length === 0 ? (
                  <p className="small muted">{t('app.none')}</p>
                ) : (
                  <ul className="plain-list">
                    {Object.entries(counters.skipped).map(([reason, n]) => (
                      <li key={reason} data-skipped={reason}>
                        {skipReasonText(reason, t)} <strong>{count(n)}</strong>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div>
                <h3>{t('campaigns.counters.failedByCode')}</h3>
                {counters.failed.length === 0 ? (
                  <p className="small muted">{t('app.none')}</p>
                ) : (
                  <ul className="plain-list">
                    {counters.failed.map((f) => (
                      <li key={String(f.code)} data-failed={String(f.code)}>
                        {f.code !== null && <code>{f.code}</code>} {errorCodeText(f.code, t)}{' '}
                        <strong>{count(f.count)}</strong>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </div>
          </section>
          <Funnel stages={stages} extras={funnel.data ?? null} />
          <Recipients campaign={c} live={live} numberName={numberName} />
        </>
      )}

      {confirm && (
        <Dialog title={t(`campaigns.actions.${confirm}`)} onClose={() => setConfirm(null)}>
          <p>{t(`campaigns.confirm.${confirm}`, { name: c.name })}</p>
          <div className="form-actions">
            <button
              type="button"
              className="btn primary"
              disabled={action.isPending}
              onClick={() =>
                action.mutate({ id: c.id, action: confirm }, { onSettled: () => setConfirm(null) })
              }
            >
              {t(`campaigns.actions.${confirm}`)}
            </button>
            <button type="button" className="btn subtle" onClick={() => setConfirm(null)}>
              {t('app.cancel')}
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}

function Figure({ name, label, value }: { name: string; label: string; value: string }) {
  return (
    <div className="kpi" data-kpi={name}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
    </div>
  );
}

/** The ledger by status: who gets (or got) the message, and what happened to it. */
function Recipients(props: {
  campaign: CampaignDto;
  live: number | false;
  numberName: (id: string) => string;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const [status, setStatus] = useState<RecipientStatus | null>(null);
  const page = useCampaignRecipients(props.campaign.id, status, props.live);
  const rows = page.data?.pages.flatMap((p) => p.data) ?? [];
  const ab = props.campaign.variantB !== null;
  return (
    <section aria-labelledby="campaign-recipients-title" className="campaign-recipients">
      <div className="analytics-table-head">
        <h2 id="campaign-recipients-title">{t('campaigns.recipients.title')}</h2>
        <label className="inline-field">
          <span className="small">{t('campaigns.recipients.status')}</span>
          <select
            value={status ?? ''}
            onChange={(e) => setStatus((e.target.value || null) as RecipientStatus | null)}
          >
            <option value="">{t('campaigns.recipients.all')}</option>
            {RECIPIENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`campaigns.recipientStatuses.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="analytics-table-scroll">
        <table className="table recipients-table" aria-busy={page.isFetching}>
          <caption className="visually-hidden">{t('campaigns.recipients.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('campaigns.recipients.contact')}</th>
              <th scope="col">{t('campaigns.recipients.status')}</th>
              <th scope="col">{t('campaigns.recipients.detail')}</th>
              <th scope="col">{t('campaigns.recipients.due')}</th>
              <th scope="col">{t('campaigns.recipients.number')}</th>
              {ab && <th scope="col">{t('campaigns.recipients.variant')}</th>}
            </tr>
          </thead>
          <tbody>
            {page.isSuccess && rows.length === 0 && (
              <tr>
                <td colSpan={ab ? 6 : 5} className="muted">
                  {t('campaigns.recipients.empty')}
                </td>
              </tr>
            )}
            {rows.map((r) => (
              <tr key={r.contactId} data-recipient={r.contactId} data-status={r.status}>
                <td>
                  <Link href={`/contacts/${r.contactId}`} className="contact-name">
                    {r.contactName ?? r.contactPhone ?? r.contactId}
                  </Link>
                  {r.contactPhone && <span className="block small muted mono">{r.contactPhone}</span>}
                </td>
                <td>
                  <span className={`chip recipient-status rstatus-${r.status}`}>
                    {t(`campaigns.recipientStatuses.${r.status}`)}
                  </span>
                </td>
                <td className="small">
                  {r.skipReason
                    ? skipReasonText(r.skipReason, t)
                    : r.status === 'failed' || r.errorCode !== null
                      ? errorCodeText(r.errorCode, t)
                      : r.attempt > 0
                        ? t('campaigns.recipients.retry', { attempt: r.attempt })
                        : '—'}
                </td>
                <td className="small">{r.dueAt ? formatInstant(r.dueAt, locale) : '—'}</td>
                <td className="small" data-content>
                  {r.phoneNumberId ? props.numberName(r.phoneNumberId) : '—'}
                </td>
                {ab && <td>{r.variant.toUpperCase()}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page.hasNextPage && (
        <button
          type="button"
          className="btn subtle"
          disabled={page.isFetchingNextPage}
          onClick={() => void page.fetchNextPage()}
        >
          {t('campaigns.more')}
        </button>
      )}
    </section>
  );
}
