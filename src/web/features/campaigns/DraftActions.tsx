import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CampaignDto, CampaignEstimateDto } from '../../../contracts/campaign.schemas.ts';
import { navigate } from '../../app/router.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { errorText } from '../../lib/errors.ts';
import { formatCount } from '../analytics/format.ts';
import type { CampaignAbilities } from './campaign-view.ts';
import { formatMoney, scheduleText, skipReasonText } from './format.ts';
import {
  useCampaignAction,
  useCampaignEstimate,
  useCampaignPriceSource,
  useDeleteCampaign,
} from './queries.ts';

/**
 * Beside a saved draft: its estimate (what a launch would do now), then the launch — or, for agents, the request
 * for approval — and the deletion, each confirmed first. The estimate is asked again after every save.
 */
export function DraftActions(props: {
  campaign: CampaignDto;
  can: CampaignAbilities;
  dirty: boolean;
  /** Called before leaving the page after a deletion (the builder's unsaved-changes guard lets it go). */
  onLeave: () => void;
}) {
  const { t, i18n } = useTranslation();
  const c = props.campaign;
  const estimate = useCampaignEstimate(c.id, c.updatedAt, props.can.edit);
  const action = useCampaignAction();
  const remove = useDeleteCampaign();
  const [confirm, setConfirm] = useState<'launch' | 'delete' | null>(null);
  const e = estimate.data;
  const launchLabel = props.can.needsApproval ? t('campaigns.requestApproval') : t('campaigns.launch');

  return (
    <>
      <EstimatePanel estimate={estimate.data} loading={estimate.isFetching} error={estimate.error} />
      {props.dirty && <p className="small muted">{t('campaigns.saveToEstimate')}</p>}
      {action.isError && (
        <p className="form-error" role="alert">
          {errorText(action.error, t)}
        </p>
      )}
      {remove.isError && (
        <p className="form-error" role="alert">
          {errorText(remove.error, t)}
        </p>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="btn primary"
          disabled={props.dirty || !e || action.isPending}
          onClick={() => setConfirm('launch')}
        >
          {launchLabel}
        </button>
        <button type="button" className="btn subtle danger" onClick={() => setConfirm('delete')}>
          {t('campaigns.deleteDraft')}
        </button>
      </div>
      {props.can.needsApproval && <p className="small muted">{t('campaigns.approvalHint')}</p>}
      {confirm === 'launch' && e && (
        <Dialog title={launchLabel} onClose={() => setConfirm(null)}>
          <p>
            {t('campaigns.confirmLaunch', {
              name: c.name,
              count: e.eligible,
              recipients: formatCount(e.eligible, i18n.language),
              cost: formatMoney(e.cost.total, e.cost.currency, i18n.language),
            })}
          </p>
          <p className="small muted">{scheduleText(c.schedule, t, i18n.language)}</p>
          {props.can.needsApproval && <p className="small muted">{t('campaigns.approvalHint')}</p>}
          <div className="form-actions">
            <button
              type="button"
              className="btn primary"
              disabled={action.isPending}
              onClick={() =>
                action.mutate({ id: c.id, action: 'launch' }, { onSettled: () => setConfirm(null) })
              }
            >
              {launchLabel}
            </button>
            <button type="button" className="btn subtle" onClick={() => setConfirm(null)}>
              {t('app.cancel')}
            </button>
          </div>
        </Dialog>
      )}
      {confirm === 'delete' && (
        <Dialog title={t('campaigns.deleteDraft')} onClose={() => setConfirm(null)}>
          <p>{t('campaigns.confirmDelete', { name: c.name })}</p>
          <div className="form-actions">
            <button
              type="button"
              className="btn primary danger-fill"
              disabled={remove.isPending}
              onClick={() =>
                remove.mutate(c.id, {
                  onSuccess: () => {
                    props.onLeave();
                    navigate('/campaigns');
                  },
                  onSettled: () => setConfirm(null),
                })
              }
            >
              {t('campaigns.deleteDraft')}
            </button>
            <button type="button" className="btn subtle" onClick={() => setConfirm(null)}>
              {t('app.cancel')}
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}

/** The estimate: audience, eligible recipients, exclusions by reason, the template's category and the cost. */
export function EstimatePanel(props: {
  estimate: CampaignEstimateDto | undefined;
  loading: boolean;
  error: unknown;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const prices = useCampaignPriceSource();
  const e = props.estimate;
  const count = (n: number) => formatCount(n, locale);
  const exclusions = e ? Object.entries(e.exclusions).sort((a, b) => b[1] - a[1]) : [];
  return (
    <section
      className="card campaign-estimate"
      aria-label={t('campaigns.estimate.title')}
      aria-busy={props.loading}
    >
      <h2>{t('campaigns.estimate.title')}</h2>
      {props.error ? (
        <p className="form-error" role="alert">
          {errorText(props.error, t)}
        </p>
      ) : !e ? (
        <p className="list-status">{t('app.loading')}</p>
      ) : (
        <>
          <dl className="estimate-figures">
            <div data-estimate="audience">
              <dt>{t('campaigns.estimate.audience')}</dt>
              <dd>{count(e.audience)}</dd>
            </div>
            <div data-estimate="eligible">
              <dt>{t('campaigns.estimate.eligible')}</dt>
              <dd>{count(e.eligible)}</dd>
            </div>
            <div data-estimate="cost">
              <dt>{t('campaigns.estimate.cost')}</dt>
              <dd>{formatMoney(e.cost.total, e.cost.currency, locale)}</dd>
            </div>
          </dl>
          <h3>{t('campaigns.estimate.exclusions')}</h3>
          {exclusions.length === 0 ? (
            <p className="small muted">{t('campaigns.estimate.noExclusions')}</p>
          ) : (
            <ul className="plain-list estimate-exclusions">
              {exclusions.map(([reason, n]) => (
                <li key={reason} data-reason={reason}>
                  <span>{skipReasonText(reason, t)}</span> <strong>{count(n)}</strong>
                </li>
              ))}
            </ul>
          )}
          {e.cost.byCountry.length > 0 && (
            <table className="table estimate-countries">
              <caption className="visually-hidden">{t('campaigns.estimate.byCountry')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('campaigns.estimate.country')}</th>
                  <th scope="col" className="num">
                    {t('campaigns.estimate.recipients')}
                  </th>
                  <th scope="col" className="num">
                    {t('campaigns.estimate.cost')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {e.cost.byCountry.map((r) => (
                  <tr key={r.country} data-country={r.country}>
                    <td>
                      {r.country === '*' ? t('campaigns.estimate.otherCountries') : <code>{r.country}</code>}
                    </td>
                    <td className="num">{count(r.recipients)}</td>
                    <td className="num">{formatMoney(r.cost, e.cost.currency, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="small muted">
            {t('campaigns.estimate.category', {
              category: e.category
                ? t(`templates.categories.${e.category}`, { defaultValue: e.category })
                : t('campaigns.estimate.categoryUnknown'),
            })}{' '}
            {prices.data === 'default'
              ? t('campaigns.estimate.examplePrices')
              : t('campaigns.estimate.ownPrices')}
          </p>
        </>
      )}
    </section>
  );
}
