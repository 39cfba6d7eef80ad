import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  AudienceAnalytics,
  CampaignsAnalytics,
  HeatmapAnalytics,
  MessagingAnalytics,
  NumbersAnalytics,
  ServiceAnalytics,
  TopicsAnalytics,
} from '../../../contracts/analytics.schemas.ts';
import { api, qs } from '../../lib/api.ts';
import type { Me } from '../../lib/types.ts';

/*
 * Every request of the Analytics page (`GET /api/v1/analytics/*`, docs/metrics.md). A filter the API gains later
 * (campaign, team, tag) is one more field of {@link AnalyticsFilters}.
 */

/** The figures asked for: a range of local dates, the comparison and the filters the API takes. */
export interface AnalyticsFilters {
  from: string;
  to: string;
  compare: boolean;
  phoneNumberId: string | null;
  /** Service figures only: cases whose first human reply came from this user. */
  agentId: string | null;
  /** Service figures only: cases of conversations now in this team's queue. */
  teamId: string | null;
  /** Service figures only: cases of conversations whose contact now has this tag. */
  tag: string | null;
  /** Service durations in business hours. */
  businessHours: boolean;
}

const root = ['analytics'] as const;

function query(f: AnalyticsFilters, withServiceFilters: boolean): string {
  return qs({
    from: f.from,
    to: f.to,
    compare: f.compare ? 'previous' : undefined,
    phoneNumberId: f.phoneNumberId ?? undefined,
    agentId: withServiceFilters ? (f.agentId ?? undefined) : undefined,
    teamId: withServiceFilters ? (f.teamId ?? undefined) : undefined,
    tag: withServiceFilters ? (f.tag ?? undefined) : undefined,
    businessHours: withServiceFilters && f.businessHours ? 'true' : undefined,
  });
}

const fresh = { staleTime: 60_000, placeholderData: keepPreviousData };

/** The workspace's time zone (days and hours of every figure are local to it). */
export function useWorkspaceTimeZone() {
  return useQuery({
    queryKey: ['workspace-time-zone'],
    queryFn: () => api<Me>('/auth/me').then((me) => me.workspace.timezone),
    staleTime: Infinity,
  });
}

/** Sent, delivered, read, failed by error code, rates; per day and per number. */
export function useMessagingAnalytics(f: AnalyticsFilters | null) {
  return useQuery({
    queryKey: [...root, 'messaging', f],
    queryFn: () => api<MessagingAnalytics>(`/analytics/messaging${query(f!, false)}`),
    enabled: f !== null,
    ...fresh,
  });
}

/** Case volume and backlog, response and resolution times, automation share, SLA; per agent and number. */
export function useServiceAnalytics(f: AnalyticsFilters | null) {
  return useQuery({
    queryKey: [...root, 'service', f],
    queryFn: () => api<ServiceAnalytics>(`/analytics/service${query(f!, true)}`),
    enabled: f !== null,
    ...fresh,
  });
}

/** Customer messages by local weekday × hour. */
export function useHeatmapAnalytics(f: AnalyticsFilters | null) {
  return useQuery({
    queryKey: [...root, 'heatmap', f],
    queryFn: () => api<HeatmapAnalytics>(`/analytics/heatmap${query(f!, false)}`),
    enabled: f !== null,
    ...fresh,
  });
}

/** Each number's health and messaging figures. */
export function useNumbersAnalytics(f: AnalyticsFilters | null) {
  return useQuery({
    queryKey: [...root, 'numbers', f],
    queryFn: () => api<NumbersAnalytics>(`/analytics/numbers${query(f!, false)}`),
    enabled: f !== null,
    ...fresh,
  });
}

/** What campaigns earn: funnel, revenue, cost and CPA per campaign and A/B variant. */
export function useCampaignsAnalytics(f: AnalyticsFilters | null) {
  return useQuery({
    queryKey: [...root, 'campaigns', f],
    queryFn: () => api<CampaignsAnalytics>(`/analytics/campaigns${query(f!, false)}`),
    enabled: f !== null,
    ...fresh,
  });
}

/** What customers ask: frequent words and phrases, rising topics, unmatched questions. */
export function useTopicsAnalytics(f: AnalyticsFilters | null) {
  return useQuery({
    queryKey: [...root, 'topics', f],
    queryFn: () => api<TopicsAnalytics>(`/analytics/topics${query(f!, false)}`),
    enabled: f !== null,
    ...fresh,
  });
}

/** Who they are: activity tiers, top tags, opt-out and unreachable-number rates. */
export function useAudienceAnalytics(f: AnalyticsFilters | null) {
  return useQuery({
    queryKey: [...root, 'audience', f],
    queryFn: () => api<AudienceAnalytics>(`/analytics/audience${query(f!, false)}`),
    enabled: f !== null,
    ...fresh,
  });
}
