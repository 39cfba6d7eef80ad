import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate, useLocation } from '../../app/router.tsx';
import { usePhoneNumbers, useTags, useTeams, useUsers } from '../../lib/queries.ts';
import { AudiencePanel } from './AudiencePanel.tsx';
import { CampaignsPanel } from './CampaignsPanel.tsx';
import { formatRange } from './format.ts';
import { HeatmapPanel } from './HeatmapPanel.tsx';
import { MessagingPanel } from './MessagingPanel.tsx';
import { NumbersPanel } from './NumbersPanel.tsx';
import {
  type AnalyticsFilters,
  useAudienceAnalytics,
  useCampaignsAnalytics,
  useHeatmapAnalytics,
  useMessagingAnalytics,
  useNumbersAnalytics,
  useServiceAnalytics,
  useTopicsAnalytics,
  useWorkspaceTimeZone,
} from './queries.ts';
import { PRESETS, rangeProblem, resolveRange, todayIn } from './range.ts';
import { ServicePanel } from './ServicePanel.tsx';
import { TopicsPanel } from './TopicsPanel.tsx';
import { parseView, viewSearch, type ViewState } from './view-state.ts';

/**
 * Analytics (owners, admins, analysts): a range of local days of the workspace's zone (last 7/30/90 days or custom),
 * the comparison with the period just before, the filters the API takes (number; agent, team and tag for the service
 * figures), and seven panels —
 * messaging, service, the weekday × hour heatmap, per-number health, what campaigns earn, what customers ask and
 * who they are. Figures: docs/metrics.md. Its own chunk;
 * ECharts is a further chunk loaded by the first chart.
 */
export default function AnalyticsPage() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const timeZone = useWorkspaceTimeZone();
  const numbers = usePhoneNumbers();
  const users = useUsers();
  const teams = useTeams();
  const tags = useTags();
  const { search } = useLocation();
  const view = useMemo(() => parseView(search), [search]);
  const { range: choice, compare, phoneNumberId, agentId, teamId, tag, businessHours } = view;
  /** Every choice lives in the address, so a reload or a shared link shows the same view. */
  const set = (patch: Partial<ViewState>) =>
    navigate(`/analytics${viewSearch({ ...view, ...patch })}`, { replace: true });
  const [draft, setDraft] = useState(
    choice.kind === 'custom' ? { from: choice.from, to: choice.to } : { from: '', to: '' },
  );

  const today = timeZone.data ? todayIn(timeZone.data, Date.now()) : null;
  const filters = useMemo<AnalyticsFilters | null>(
    () =>
      today === null
        ? null
        : { ...resolveRange(choice, today), compare, phoneNumberId, agentId, teamId, tag, businessHours },
    [today, choice, compare, phoneNumberId, agentId, teamId, tag, businessHours],
  );
  const messaging = useMessagingAnalytics(filters);
  const service = useServiceAnalytics(filters);
  const heatmap = useHeatmapAnalytics(filters);
  const perNumber = useNumbersAnalytics(filters);
  const campaigns = useCampaignsAnalytics(filters);
  const topics = useTopicsAnalytics(filters);
  const audience = useAudienceAnalytics(filters);
  const all = [messaging, service, heatmap, perNumber, campaigns, topics, audience];
  const loading = all.some((q) => q.isFetching);
  const failed = all.find((q) => q.isError)?.error;
  const shown = messaging.data?.range;
  const previous = messaging.data?.previous?.range;

  const applyCustom = () => {
    if (rangeProblem(draft.from, draft.to) === null) set({ range: { kind: 'custom', ...draft } });
  };
  const customProblem = draft.from || draft.to ? rangeProblem(draft.from, draft.to) : null;

  return (
    <div className="analytics-page" aria-busy={loading}>
      <header className="analytics-head">
        <h1>{t('analytics.title')}</h1>
        {shown && (
          <p className="analytics-range" data-range={`${shown.from}/${shown.to}`}>
            {formatRange(shown.from, shown.to, locale)}
            {previous && (
              <span className="muted">
                {' '}
                · {t('analytics.comparedWith', { range: formatRange(previous.from, previous.to, locale) })}
              </span>
            )}
            <span className="muted">
              {' '}
              · {t('analytics.timeZone')} <span className="mono">{shown.timeZone}</span>
            </span>
          </p>
        )}
      </header>

      <div className="analytics-controls" role="group" aria-label={t('analytics.filters')}>
        <div className="segmented" role="radiogroup" aria-label={t('analytics.range')}>
          {PRESETS.map((d) => (
            <button
              key={d}
              type="button"
              role="radio"
              aria-checked={choice.kind === 'preset' && choice.days === d}
              className={choice.kind === 'preset' && choice.days === d ? 'active' : ''}
              onClick={() => set({ range: { kind: 'preset', days: d } })}
            >
              {t('analytics.lastDays', { count: d })}
            </button>
          ))}
        </div>
        <form
          className="analytics-custom"
          onSubmit={(e) => {
            e.preventDefault();
            applyCustom();
          }}
        >
          <label className="inline-field">
            <span>{t('analytics.from')}</span>
            <input
              type="date"
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          </label>
          <label className="inline-field">
            <span>{t('analytics.to')}</span>
            <input
              type="date"
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          </label>
          <button type="submit" className="btn subtle small" disabled={customProblem !== null || !draft.from}>
            {t('analytics.apply')}
          </button>
          {customProblem && customProblem !== 'missing' && (
            <span className="form-error small" role="alert">
              {t(`analytics.rangeProblem.${customProblem}`)}
            </span>
          )}
        </form>
        <label className="check">
          <input type="checkbox" checked={compare} onChange={(e) => set({ compare: e.target.checked })} />{' '}
          {t('analytics.compare')}
        </label>
        <label className="inline-field">
          <span>{t('analytics.number')}</span>
          <select
            aria-label={t('analytics.number')}
            value={phoneNumberId ?? ''}
            onChange={(e) => set({ phoneNumberId: e.target.value || null })}
          >
            <option value="">{t('analytics.allNumbers')}</option>
            {(numbers.data ?? []).map((n) => (
              <option key={n.id} value={n.id}>
                {n.label ? `${n.label} (${n.displayPhoneNumber})` : n.displayPhoneNumber}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field" title={t('analytics.agentHint')}>
          <span>{t('analytics.agent')}</span>
          <select
            aria-label={t('analytics.agent')}
            value={agentId ?? ''}
            onChange={(e) => set({ agentId: e.target.value || null })}
          >
            <option value="">{t('analytics.allAgents')}</option>
            {(users.data ?? [])
              .filter((u) => !u.deactivatedAt)
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name || u.email}
                </option>
              ))}
          </select>
        </label>
        {(teams.data ?? []).length > 0 && (
          <label className="inline-field" title={t('analytics.teamHint')}>
            <span>{t('analytics.team')}</span>
            <select
              aria-label={t('analytics.team')}
              value={teamId ?? ''}
              onChange={(e) => set({ teamId: e.target.value || null })}
            >
              <option value="">{t('analytics.allTeams')}</option>
              {(teams.data ?? []).map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {(tags.data ?? []).length > 0 && (
          <label className="inline-field" title={t('analytics.tagHint')}>
            <span>{t('analytics.tag')}</span>
            <select
              aria-label={t('analytics.tag')}
              value={tag ?? ''}
              onChange={(e) => set({ tag: e.target.value || null })}
            >
              <option value="">{t('analytics.allTags')}</option>
              {(tags.data ?? []).map((x) => (
                <option key={x.name} value={x.name}>
                  {x.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="check" title={t('analytics.businessHoursHint')}>
          <input
            type="checkbox"
            checked={businessHours}
            onChange={(e) => set({ businessHours: e.target.checked })}
          />{' '}
          {t('analytics.businessHours')}
        </label>
      </div>

      {(agentId || teamId || tag) && (
        <p className="small muted" role="note">
          {t('analytics.serviceOnlyNote')}
        </p>
      )}
      {failed && (
        <p className="form-error" role="alert">
          {t('analytics.loadFailed')}
        </p>
      )}
      {!messaging.data && !failed && <p className="list-status">{t('app.loading')}</p>}
      <div className="analytics-panels">
        {messaging.data && <MessagingPanel data={messaging.data} />}
        {service.data && <ServicePanel data={service.data} />}
        {heatmap.data && <HeatmapPanel data={heatmap.data} />}
        {perNumber.data && <NumbersPanel data={perNumber.data} />}
        {campaigns.data && <CampaignsPanel data={campaigns.data} />}
        {topics.data && <TopicsPanel data={topics.data} />}
        {audience.data && <AudiencePanel data={audience.data} />}
      </div>
    </div>
  );
}
