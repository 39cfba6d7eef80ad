import { useTranslation } from 'react-i18next';
import type { CampaignDto } from '../../../contracts/campaign.schemas.ts';
import { Link, matchPath } from '../../app/router.tsx';
import type { Role } from '../../lib/types.ts';
import { formatCount } from '../analytics/format.ts';
import { CampaignBuilder } from './CampaignBuilder.tsx';
import { CampaignPage } from './CampaignPage.tsx';
import { abilitiesOf, type CampaignAbilities } from './campaign-view.ts';
import { scheduleText } from './format.ts';
import { funnelStages } from './funnel.ts';
import { useCampaignList } from './queries.ts';
import { CampaignTabs, StatusChip } from './parts.tsx';
import { RemindersPage } from '../reminders/RemindersPage.tsx';

/**
 * Campaigns (`/campaigns`, its own chunk): the list, the builder of a new campaign (`/campaigns/new`), one
 * campaign's page (`/campaigns/{id}`: a draft's builder and estimate, or the live counters, recipients and
 * funnel), and the lifecycle reminders (`/campaigns/reminders`). Owners and admins manage; agents build drafts whose
 * launch waits for approval; analysts read. Reminders: owners and admins manage, every other role reads.
 */
export default function CampaignsPage({ pathname, role }: { pathname: string; role: Role }) {
  const can = abilitiesOf(role);
  if (pathname === '/campaigns/reminders') return <RemindersPage role={role} />;
  if (pathname === '/campaigns/new' && can.edit) return <CampaignBuilder campaign={null} can={can} />;
  const one = matchPath('/campaigns/:id', pathname);
  if (one?.id && one.id !== 'new') return <CampaignPage id={one.id} can={can} />;
  return <CampaignList can={can} />;
}

/** The counters each row of the list shows. */
const COLUMNS = ['eligible', 'sent', 'delivered', 'read'] as const;

function listFigure(counters: NonNullable<CampaignDto['counters']>, k: (typeof COLUMNS)[number]): number {
  if (k === 'eligible') return counters.eligible;
  return funnelStages(counters).find((s) => s.key === k)?.count ?? 0;
}

function CampaignList({ can }: { can: CampaignAbilities }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const list = useCampaignList();
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <div className="campaigns-page">
      <header className="contacts-head">
        <h1>{t('campaigns.title')}</h1>
        {can.edit && (
          <Link href="/campaigns/new" className="btn primary">
            {t('campaigns.new')}
          </Link>
        )}
      </header>
      <CampaignTabs current="campaigns" />
      <p className="small muted">{can.edit ? t('campaigns.intro') : t('campaigns.introReadOnly')}</p>
      {list.isError && (
        <p className="form-error" role="alert">
          {t('app.error')}
        </p>
      )}
      {list.isSuccess && rows.length === 0 && <p className="list-status">{t('campaigns.empty')}</p>}
      {rows.length > 0 && (
        <div className="analytics-table-scroll">
          <table className="table campaigns-table">
            <caption className="visually-hidden">{t('campaigns.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('campaigns.name')}</th>
                <th scope="col">{t('campaigns.status')}</th>
                <th scope="col">{t('campaigns.when')}</th>
                <th scope="col">{t('campaigns.template')}</th>
                {COLUMNS.map((k) => (
                  <th key={k} scope="col" className="num">
                    {k === 'eligible' ? t('campaigns.counters.eligible') : t(`campaigns.funnel.${k}`)}
                  </th>
                ))}
                <th scope="col">{t('campaigns.created')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id} data-campaign={c.id}>
                  <td>
                    <Link href={`/campaigns/${c.id}`} data-content>
                      {c.name}
                    </Link>
                  </td>
                  <td>
                    <StatusChip status={c.status} />
                  </td>
                  <td>{scheduleText(c.schedule, t, locale)}</td>
                  <td>
                    <code>{c.template.name}</code> <span className="small muted">{c.template.language}</span>
                  </td>
                  {COLUMNS.map((k) => (
                    <td key={k} className="num" data-counter={k}>
                      {c.counters ? formatCount(listFigure(c.counters, k), locale) : '—'}
                    </td>
                  ))}
                  <td className="small muted">
                    {new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(c.createdAt))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.hasNextPage && (
        <button
          type="button"
          className="btn subtle"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {t('campaigns.more')}
        </button>
      )}
    </div>
  );
}
