import type { JobDefinition } from '../../jobs/queue.ts';
import { enqueueJobs } from '../../jobs/queue.ts';
import type { ScheduleDefinition } from '../../jobs/scheduler.service.ts';
import { applyMessageStatuses, attributeReply } from './campaign-outcome.service.ts';
import { planCampaign } from './campaign-plan.service.ts';
import {
  RELEASE_BATCHES_PER_RUN,
  RELEASE_LEASE_SECONDS,
  releaseCampaign,
} from './campaign-release.service.ts';
import { findActiveCampaigns } from './campaigns.repository.ts';
import type { CampaignsDeps } from './campaigns.service.ts';

/**
 * Every minute: one `campaign.release` per scheduled or running campaign (and a `campaign.plan`, which ends at
 * once when planning is done), deduplicated per campaign and minute — a double-fired tick enqueues nothing twice,
 * and a second release of the same minute would find the rows locked or gone anyway.
 */
export const campaignsTickSchedule: ScheduleDefinition<'campaigns.tick'> = {
  name: 'campaigns.tick',
  cron: '* * * * *',
  timeZone: 'UTC',
  job: 'campaigns.tick',
  payload: (at) => ({ scheduledFor: at.toISOString() }),
};

/**
 * Jobs that put campaign messages into the outbox. Each process runs them in a job loop of their own as well: in
 * the shared loop a release waited behind every listener job due before it (a broadcast's status webhooks make
 * hundreds: ~1,000 pending in the 100,000-recipient bench run).
 */
export const SENDING_JOBS = ['campaign.release'] as const;

/** The campaign module's jobs. */
export function campaignsJobs(
  deps: CampaignsDeps,
): JobDefinition<
  'campaign.plan' | 'campaign.release' | 'campaigns.tick' | 'campaign.message_status' | 'campaign.reply'
>[] {
  const plan: JobDefinition<'campaign.plan'> = {
    name: 'campaign.plan',
    maxAttempts: 10,
    async handle({ campaignId }, { workspaceId }) {
      if (workspaceId) await planCampaign(deps, workspaceId, campaignId);
    },
  };
  const release: JobDefinition<'campaign.release'> = {
    name: 'campaign.release',
    maxAttempts: 10,
    leaseSeconds: RELEASE_LEASE_SECONDS,
    async handle({ campaignId }, { workspaceId, jobId }) {
      if (workspaceId)
        await releaseCampaign(deps, workspaceId, campaignId, {
          key: jobId,
          maxBatches: RELEASE_BATCHES_PER_RUN,
        });
    },
  };
  const tick: JobDefinition<'campaigns.tick'> = {
    name: 'campaigns.tick',
    maxAttempts: 3,
    async handle({ scheduledFor }) {
      const active = await findActiveCampaigns(deps.db);
      const jobs = active.map((c) => ({
        payload: { campaignId: c.id },
        workspaceId: c.workspace_id,
        dedupeKey: `${c.id}@${scheduledFor}`,
      }));
      await enqueueJobs(deps.db, deps.clock, 'campaign.plan', jobs);
      await enqueueJobs(deps.db, deps.clock, 'campaign.release', jobs);
    },
  };
  const status: JobDefinition<'campaign.message_status'> = {
    name: 'campaign.message_status',
    maxAttempts: 5,
    async handle(payload, { workspaceId }) {
      if (workspaceId) await applyMessageStatuses(deps, workspaceId, messageIdsOf(payload));
    },
    // A broadcast's status webhooks come as many small publishes: their jobs are applied together.
    async handleMany(payloads, { workspaceId }) {
      if (!workspaceId) return;
      for (const ids of chunksOf([...new Set(payloads.flatMap(messageIdsOf))], 1000))
        await applyMessageStatuses(deps, workspaceId, ids);
    },
  };
  const reply: JobDefinition<'campaign.reply'> = {
    name: 'campaign.reply',
    maxAttempts: 5,
    async handle(payload, { workspaceId }) {
      if (workspaceId) for (const id of messageIdsOf(payload)) await attributeReply(deps, workspaceId, id);
    },
    async handleMany(payloads, { workspaceId }) {
      if (!workspaceId) return;
      for (const id of new Set(payloads.flatMap(messageIdsOf))) await attributeReply(deps, workspaceId, id);
    },
  };
  return [plan, release, tick, status, reply] as JobDefinition<
    'campaign.plan' | 'campaign.release' | 'campaigns.tick' | 'campaign.message_status' | 'campaign.reply'
  >[];
}

/** A batched job's message ids, or the single id of an older job. */
/** `items` in slices of at most `size`. */
function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function messageIdsOf(payload: { messageId?: string; messageIds?: string[] }): string[] {
  return payload.messageIds ?? (payload.messageId ? [payload.messageId] : []);
}
