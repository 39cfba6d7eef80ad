import { z } from 'zod';

/**
 * Every background job Tsunagi knows, by name, with the zod schema of its payload. The names form a closed union:
 * enqueueing an unknown name, or a payload of the wrong shape, fails to compile; the runner parses each payload
 * with the same schema before handing it to the handler. Adding a job means adding a line here.
 */
export const JOB_PAYLOADS = {
  /** Download an inbound message's media and store it. */
  'media.fetch': z.object({ messageId: z.string(), mediaId: z.string() }),
  /** Blue ticks (and optionally the typing indicator) for a customer's message. */
  'whatsapp.read': z.object({ messageId: z.uuid(), typing: z.boolean() }),
  /** The automation engine decides on one customer message. */
  'automation.inbound': z.object({ messageId: z.uuid() }),
  /** A delayed automatic reply is due. */
  'automation.reply': z.object({ replyId: z.uuid() }),
  /** An assigned conversation may still be unread by its assignee. */
  'automation.unread_timeout': z.object({
    conversationId: z.uuid(),
    messageId: z.uuid(),
    assigneeId: z.uuid(),
  }),
  /** Scheduled: reopen snoozed conversations whose time came. */
  'conversations.wake_snoozed': z.object({ scheduledFor: z.iso.datetime() }),
  /** Scheduled: purge what has outlived its use (sessions, journal rows, finished jobs, …). */
  'maintenance.purge': z.object({ scheduledFor: z.iso.datetime() }),
  /** Scheduled (embedded PGlite only, which has no autovacuum): gather planner statistics of tables that grew. */
  'maintenance.analyze': z.object({ scheduledFor: z.iso.datetime() }),
  /**
   * Customer messages that may be consent keywords (STOP, 配信停止, …): record each and confirm once. Batched per
   * ingest batch (`messageIds`); `messageId` is the one-message form of jobs queued before batching.
   */
  'consent.keyword': z.object({
    messageId: z.uuid().optional(),
    messageIds: z.array(z.uuid()).max(1000).optional(),
  }),
  /** Refresh the cached template list of one WABA of the job's workspace. */
  'templates.sync': z.object({ wabaId: z.string().min(1) }),
  /** Scheduled: one `templates.sync` per (workspace, WABA) with a live number. */
  'templates.refresh': z.object({ scheduledFor: z.iso.datetime() }),
  /** Scheduled: fill search keys of contacts and messages written before they existed. */
  'search.backfill': z.object({ scheduledFor: z.iso.datetime() }),
  /** A CSV contact import's next slice of rows (`slice` 0 first; each slice enqueues the next). */
  'contacts.import': z.object({ importId: z.uuid(), slice: z.number().int().min(0) }),
  /** A bulk action on contacts: its snapshot first, then its next slice of batches (each slice enqueues the next). */
  'contacts.bulk': z.object({ bulkActionId: z.uuid(), slice: z.number().int().min(0) }),
  /**
   * Analytics: mark the day buckets and conversations that message and conversation events touch as dirty.
   * Batched per publish (`messageIds`, `conversationIds`); the singular fields are the form of older jobs.
   */
  'analytics.touch': z.object({
    messageId: z.uuid().optional(),
    conversationId: z.uuid().optional(),
    messageIds: z.array(z.uuid()).max(1000).optional(),
    conversationIds: z.array(z.uuid()).max(1000).optional(),
  }),
  /** Scheduled: recompute the dirty analytics rollups of every workspace from facts. */
  'analytics.refresh': z.object({ scheduledFor: z.iso.datetime() }),
  /** Campaigns: resolve the audience into the ledger in checkpointed batches (reruns continue, never duplicate). */
  'campaign.plan': z.object({ campaignId: z.uuid() }),
  /** Campaigns: release due ledger rows into the outbox's bulk lane, paced per number. */
  'campaign.release': z.object({ campaignId: z.uuid() }),
  /** Scheduled: one `campaign.release` (and `campaign.plan` while planning) per active campaign. */
  'campaigns.tick': z.object({ scheduledFor: z.iso.datetime() }),
  /**
   * Campaigns: campaign messages' statuses moved (ledger status, 131049 retry, 131026 hygiene). Batched per publish
   * (`messageIds`); `messageId` is the form of older jobs.
   */
  'campaign.message_status': z.object({
    messageId: z.uuid().optional(),
    messageIds: z.array(z.uuid()).max(1000).optional(),
  }),
  /**
   * Campaigns: customer messages may answer a campaign message of the last 72 h. Batched per publish
   * (`messageIds`); `messageId` is the form of older jobs.
   */
  'campaign.reply': z.object({
    messageId: z.uuid().optional(),
    messageIds: z.array(z.uuid()).max(1000).optional(),
  }),
  /** Re-evaluate one tag rule of the job's workspace (after a change, on schedule); a disabled rule is skipped. */
  'tag_rules.run': z.object({ ruleId: z.uuid() }),
  /** Scheduled: one `tag_rules.run` per enabled rule of every workspace. */
  'tag_rules.tick': z.object({ scheduledFor: z.iso.datetime() }),
  /** Send one reminder's due messages (modules/reminders); a disabled or deleted reminder is skipped. */
  'reminders.run': z.object({ reminderId: z.uuid() }),
  /** Scheduled: one `reminders.run` per enabled reminder of every workspace. */
  'reminders.tick': z.object({ scheduledFor: z.iso.datetime() }),
  /** Scheduled: recompute every contact's activity tier (contacts-activity.rules.ts), set-based. */
  'contacts.activity_tiers': z.object({ scheduledFor: z.iso.datetime() }),
  /** Scheduled: archive contacts inactive for their workspace's `archive_inactive_after_months` (batched). */
  'contacts.archive_inactive': z.object({ scheduledFor: z.iso.datetime() }),
} as const;

/** The closed union of job names. */
export type JobName = keyof typeof JOB_PAYLOADS;

/** The payload a job of name `N` carries. */
export type JobPayload<N extends JobName> = z.infer<(typeof JOB_PAYLOADS)[N]>;
