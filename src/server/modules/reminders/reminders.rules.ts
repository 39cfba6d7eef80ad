/**
 * The reminders' rules (pure, `now` passed in): what becomes of a due reminder for one contact — skipped with a
 * reason, carried past quiet hours to the next allowed local time, or sent now. Quiet hours and the recipient's
 * zone are the campaigns' rules, so a reminder and a broadcast keep the same sending hours.
 */
import type { QuietHours } from '../../../contracts/campaign.schemas.ts';
import type { ReminderSkipReason, ReminderTrigger } from '../../../contracts/reminders.schemas.ts';
import { carryPastQuietHours, recipientTimeZone } from '../campaigns/campaign-plan.rules.ts';

/** What the run knows about a due reminder's contact. */
export interface DueContact {
  timezone: string | null;
  country: string | null;
  unreachable: boolean;
  /** The contact sent a message after the trigger. */
  replied: boolean;
}

/** The fate of a due reminder: sent now, skipped, or deferred to `at` (the start of the next sending hours). */
export type SendDecision =
  { kind: 'send' } | { kind: 'skip'; reason: ReminderSkipReason } | { kind: 'defer'; at: Date };

/**
 * Decides a due reminder. A read-no-reply reminder whose contact wrote since is skipped (`replied`: the reason for it
 * is gone); an unreachable number is skipped; outside sending hours in the contact's zone it is deferred. Consent is
 * decided afterwards by the send path (a marketing template to an opted-out contact is refused: `opted_out`).
 */
export function decideSend(
  trigger: ReminderTrigger,
  c: DueContact,
  quiet: QuietHours,
  workspaceTimeZone: string,
  now: Date,
): SendDecision {
  if (trigger.kind === 'campaign_read_no_reply' && c.replied) return { kind: 'skip', reason: 'replied' };
  if (c.unreachable) return { kind: 'skip', reason: 'unreachable' };
  const zone = recipientTimeZone(c, workspaceTimeZone);
  const allowed = carryPastQuietHours(now, zone, quiet);
  return allowed.getTime() === now.getTime() ? { kind: 'send' } : { kind: 'defer', at: allowed };
}

/** Adds one to a reason's count. */
export function countSkip(counts: Record<string, number>, reason: string): void {
  counts[reason] = (counts[reason] ?? 0) + 1;
}
