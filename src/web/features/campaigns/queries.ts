import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  CampaignDto,
  CampaignEstimateDto,
  CampaignInput,
  CampaignRecipientDto,
  RECIPIENT_STATUSES,
} from '../../../contracts/campaign.schemas.ts';
import type { AttributeDefinitionDto } from '../../../contracts/contact-attributes.schemas.ts';
import type { SegmentDto } from '../../../contracts/segments.schemas.ts';
import type { TemplateDto } from '../../../contracts/template.schemas.ts';
import { api, ApiError, qs } from '../../lib/api.ts';
import type { MediaUpload, Me, Page } from '../../lib/types.ts';
import { liveRefreshMs } from './campaign-view.ts';
import { parseFunnelExtras, type FunnelExtras } from './funnel.ts';

/*
 * Every request of the Campaigns pages (`/api/v1/campaigns`, docs/campaigns.md), with the segments, approved
 * templates and contact attributes the builder offers, and the upload of a header's media.
 */

export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

export const campaignKeys = {
  all: ['campaigns'] as const,
  list: ['campaigns', 'list'] as const,
  one: (id: string) => ['campaigns', 'one', id] as const,
  estimate: (id: string, version: string) => ['campaigns', 'estimate', id, version] as const,
  recipients: (id: string, status: RecipientStatus | null) =>
    ['campaigns', 'recipients', id, status] as const,
  funnel: (id: string) => ['campaigns', 'funnel', id] as const,
};

/** Campaigns, newest first, 25 a page as the API pages them (cursor). */
export function useCampaignList() {
  return useInfiniteQuery({
    queryKey: campaignKeys.list,
    queryFn: ({ pageParam }) =>
      api<Page<CampaignDto>>(`/campaigns${qs({ limit: 25, cursor: pageParam ?? undefined })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // Scheduled and running campaigns move on their own: the list follows them.
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.data.some((c) => c.status === 'running' || c.status === 'scheduled'))
        ? 10_000
        : false,
  });
}

/**
 * One campaign with its live counters. Campaign events are not on the realtime stream, so the page polls while
 * the counters can move ({@link liveRefreshMs}: often while it sends, slowly once completed, as statuses and
 * replies keep arriving).
 */
export function useCampaign(id: string) {
  return useQuery({
    queryKey: campaignKeys.one(id),
    queryFn: () => api<CampaignDto>(`/campaigns/${id}`),
    refetchInterval: (q) => (q.state.data ? liveRefreshMs(q.state.data) : false),
  });
}

/**
 * What a launch would do now (`POST /campaigns/{id}/estimate`, nothing written): asked again whenever the draft
 * changes (`version` is its `updatedAt`).
 */
export function useCampaignEstimate(id: string, version: string, enabled: boolean) {
  return useQuery({
    queryKey: campaignKeys.estimate(id, version),
    queryFn: () => api<CampaignEstimateDto>(`/campaigns/${id}/estimate`, { method: 'POST' }),
    enabled,
    staleTime: 30_000,
  });
}

/** The campaign's recipients (its ledger), optionally of one status, 50 a page. */
export function useCampaignRecipients(id: string, status: RecipientStatus | null, live: number | false) {
  return useInfiniteQuery({
    queryKey: campaignKeys.recipients(id, status),
    queryFn: ({ pageParam }) =>
      api<Page<CampaignRecipientDto>>(
        `/campaigns/${id}/recipients${qs({ status: status ?? undefined, limit: 50, cursor: pageParam ?? undefined })}`,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: live,
  });
}

/**
 * Clicks, conversions and their money (`GET /campaigns/{id}/funnel`) where the server has them; null while it does
 * not (404), so the funnel shows the stages the counters give.
 */
export function useCampaignFunnel(id: string, live: number | false) {
  return useQuery({
    queryKey: campaignKeys.funnel(id),
    queryFn: async (): Promise<FunnelExtras | null> => {
      try {
        return parseFunnelExtras(await api<unknown>(`/campaigns/${id}/funnel`));
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return null;
        throw e;
      }
    },
    // A server without the endpoint is not asked again on every refresh.
    refetchInterval: (q) => (q.state.data === null ? false : live),
    staleTime: (q) => (q.state.data === null ? Infinity : 0),
    retry: false,
  });
}

/** Creates a draft, or saves the changes of one. */
export function useSaveCampaign() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string | null; input: CampaignInput }) =>
      v.id
        ? api<CampaignDto>(`/campaigns/${v.id}`, { method: 'PATCH', body: v.input })
        : api<CampaignDto>('/campaigns', { body: v.input }),
    onSuccess: (c) => {
      qc.setQueryData(campaignKeys.one(c.id), c);
      void qc.invalidateQueries({ queryKey: campaignKeys.list });
    },
  });
}

/** Deletes a draft. */
export function useDeleteCampaign() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/campaigns/${id}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: campaignKeys.list }),
  });
}

/** The campaign transitions the API offers. */
export type CampaignAction = 'launch' | 'approve' | 'pause' | 'resume' | 'cancel';

/** Launches (or asks for approval), approves, pauses, resumes or cancels. */
export function useCampaignAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; action: CampaignAction }) =>
      api<CampaignDto>(`/campaigns/${v.id}/${v.action}`, { method: 'POST' }),
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: campaignKeys.one(c.id) });
      void qc.invalidateQueries({ queryKey: campaignKeys.list });
      void qc.invalidateQueries({ queryKey: ['campaigns', 'recipients', c.id] });
    },
  });
}

/** Saved segments (audiences and exclusions). */
export function useSegments() {
  return useQuery({
    queryKey: ['segments'],
    queryFn: () => api<{ data: SegmentDto[] }>('/segments').then((r) => r.data),
    staleTime: 60_000,
  });
}

/** How many contacts a condition selects now (the builder's "condition" audience). */
export function usePreviewCondition(condition: string) {
  return useQuery({
    queryKey: ['segments', 'preview', condition],
    queryFn: () => api<{ count: number }>('/segments/preview', { body: { condition } }).then((r) => r.count),
    enabled: condition.trim().length > 0,
    retry: false,
    staleTime: 30_000,
  });
}

/** The templates a campaign may send: approved ones (every WABA of the workspace). */
export function useApprovedTemplates() {
  return useQuery({
    queryKey: ['templates', 'approved'],
    queryFn: () => api<{ data: TemplateDto[] }>('/templates?status=APPROVED').then((r) => r.data),
    staleTime: 30_000,
  });
}

/** The workspace's contact attributes (variables may read them). */
export function useContactAttributes() {
  return useQuery({
    queryKey: ['contact-attributes'],
    queryFn: async () => {
      try {
        return (await api<{ data: AttributeDefinitionDto[] }>('/contact-attributes')).data;
      } catch (e) {
        if (e instanceof ApiError && e.status === 403) return [];
        throw e;
      }
    },
    staleTime: 5 * 60_000,
  });
}

/** The workspace's time zone (the default date of a local-time schedule is tomorrow there). */
export function useWorkspaceTimeZone() {
  return useQuery({
    queryKey: ['workspace-time-zone'],
    queryFn: () => api<Me>('/auth/me').then((me) => me.workspace.timezone),
    staleTime: Infinity,
  });
}

/** Whether estimates use the workspace's own prices or the example defaults. */
export function useCampaignPriceSource() {
  return useQuery({
    queryKey: ['campaign-prices'],
    queryFn: () => api<{ source: 'workspace' | 'default' }>('/campaign-prices').then((r) => r.source),
    staleTime: 5 * 60_000,
  });
}

/** A CSV import's progress (the builder's CSV audience). */
export interface AudienceImport {
  id: string;
  status: 'receiving' | 'queued' | 'running' | 'done' | 'failed';
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  message: string | null;
}

/** Uploads a CSV as a campaign audience (`purpose=audience`); resolves with the import's id. */
export function useUploadAudienceCsv() {
  return useMutation({
    mutationFn: (file: File) =>
      api<{ id: string }>('/contacts/imports?purpose=audience', { method: 'POST', form: file }),
  });
}

/** An audience import's progress, refreshed every 2 s until it is done or failed. */
export function useAudienceImport(id: string) {
  return useQuery({
    queryKey: ['contact-imports', id],
    queryFn: () => api<AudienceImport>(`/contacts/imports/${id}`),
    enabled: id !== '',
    refetchInterval: (q) =>
      q.state.data && (q.state.data.status === 'done' || q.state.data.status === 'failed') ? false : 2000,
  });
}

/**
 * Uploads the file of a template's media header (`POST /media`, for the first sending number; the server uploads
 * it again for each other number at send time); resolves with its id and name.
 */
export function useUploadHeaderMedia() {
  return useMutation({
    mutationFn: (v: { file: File; phoneNumberId: string }) => {
      const form = new FormData();
      form.set('phoneNumberId', v.phoneNumberId);
      form.set('file', v.file, v.file.name);
      return api<MediaUpload>('/media', { form });
    },
  });
}
