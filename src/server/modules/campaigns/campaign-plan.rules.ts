/**
 * The planner's rules (pure, `now` passed in): why a contact of the audience is left out, when its message is due
 * in its own time zone with quiet hours carried to the next allowed local time, which A/B variant it gets and which
 * of the campaign's numbers sends to it. Wall times go through `zonedInstant` (Intl, DST-safe: a wall time skipped
 * by a spring-forward moves forward by the gap, a repeated one is the earlier instant).
 */
import { createHash } from 'node:crypto';
import type { CampaignSchedule, QuietHours, SkipReason } from '../../../contracts/campaign.schemas.ts';
import type { ConsentState } from '../../db/types.ts';
import { localParts, shiftDate, zonedInstant } from '../automation/business-hours.rules.ts';
import { timeZoneOfCountry } from '../contacts/contacts.rules.ts';

/** What the planner knows about one contact of the audience (one row of the candidate query). */
export interface Candidate {
  contactId: string;
  waId: string | null;
  marketing: ConsentState;
  unreachable: boolean;
  inExcludedSegment: boolean;
  /** Campaign messages to this contact (other campaigns) within the frequency cap's window. */
  recentCampaignMessages: number;
}

/** The exclusion settings a candidate is judged by. */
export interface ExclusionPolicy {
  requireOptIn: boolean;
  frequencyCap: { count: number; days: number } | null;
}

/**
 * Why a candidate gets no message, or null when it is eligible. Opted-out contacts never get a campaign message,
 * whatever the template's category (stricter than the send path's guard, which lets utility templates through):
 * a broadcast is not an answer the contact is waiting for. The first reason in this order is reported.
 */
export function exclusionReason(c: Candidate, policy: ExclusionPolicy): SkipReason | null {
  if (!c.waId) return 'no_phone';
  if (c.marketing === 'opted_out') return 'opted_out';
  if (c.unreachable) return 'unreachable';
  if (policy.requireOptIn && c.marketing !== 'opted_in') return 'no_consent';
  if (c.inExcludedSegment) return 'excluded_segment';
  if (policy.frequencyCap && c.recentCampaignMessages >= policy.frequencyCap.count) return 'frequency_cap';
  return null;
}

/**
 * The release-time re-check of what may have changed since planning (consent, reachability): the reason to skip
 * the row now, or null.
 */
export function releaseRecheck(
  marketing: ConsentState,
  unreachable: boolean,
  requireOptIn: boolean,
): 'opted_out' | 'unreachable' | 'no_consent' | null {
  if (marketing === 'opted_out') return 'opted_out';
  if (unreachable) return 'unreachable';
  if (requireOptIn && marketing !== 'opted_in') return 'no_consent';
  return null;
}

/**
 * Whether opt-in is required: as set on the campaign, else for marketing templates (and templates whose
 * category is unknown — fail safe) but not for utility or authentication templates.
 */
export function requiresOptIn(setting: boolean | null, category: string | null): boolean {
  if (setting !== null) return setting;
  return category === null || category.toUpperCase() === 'MARKETING';
}

/** The zone a recipient's local times are read in: theirs, else their country's, else the workspace's. */
export function recipientTimeZone(
  contact: { timezone: string | null; country: string | null },
  workspaceTimeZone: string,
): string {
  return contact.timezone ?? timeZoneOfCountry(contact.country) ?? workspaceTimeZone;
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether a local minute of the day is allowed: the allowed span is [start, end) — quiet hours are the rest. A
 * start after the end (e.g. 20:00–02:00) is an overnight span; start = end allows the whole day.
 */
export function isAllowedMinute(minute: number, quiet: QuietHours): boolean {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return true;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The instant itself when it is outside quiet hours in `timeZone`, else the next allowed local time (start). */
export function carryPastQuietHours(at: Date, timeZone: string, quiet: QuietHours): Date {
  const local = localParts(at, timeZone);
  if (isAllowedMinute(local.minutes, quiet)) return at;
  const start = minutesOf(quiet.start);
  // In quiet hours: the span starts later today, or (after today's end) tomorrow.
  const [y, m, d] =
    local.minutes < start
      ? [local.year, local.month, local.day]
      : shiftDate(local.year, local.month, local.day, 1);
  return zonedInstant(y, m, d, start, timeZone);
}

/**
 * When a recipient's message is due: `now` for an immediate campaign, the instant for `at`, the wall time on the
 * date in the recipient's zone for `local` (a time already past is due now); never before `now`, and carried past
 * quiet hours in the recipient's local time.
 */
export function dueAt(schedule: CampaignSchedule, timeZone: string, quiet: QuietHours, now: Date): Date {
  let at: Date;
  if (schedule.kind === 'now') at = now;
  else if (schedule.kind === 'at') at = new Date(schedule.at);
  else {
    const [y, m, d] = schedule.date.split('-').map(Number) as [number, number, number];
    at = zonedInstant(y, m, d, minutesOf(schedule.time), timeZone);
  }
  if (at.getTime() < now.getTime()) at = now;
  return carryPastQuietHours(at, timeZone, quiet);
}

/** A stable number in [0, 2^32) from strings (sha-256): the same inputs give the same number on every process. */
function stableHash(...parts: string[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0);
}

/** The A/B variant of a recipient: deterministic per (campaign, contact), `splitPercent` % get `a`. */
export function variantOf(campaignId: string, contactId: string, splitPercent: number | null): 'a' | 'b' {
  if (splitPercent === null) return 'a';
  return stableHash('variant', campaignId, contactId) % 100 < splitPercent ? 'a' : 'b';
}

/**
 * The sticky sender: the campaign number that last talked to the contact, else one picked by a stable hash of
 * the contact (so a rerun, or another campaign over the same numbers, picks the same one).
 */
export function senderFor(
  numbers: readonly string[],
  lastNumberId: string | null,
  contactId: string,
): string {
  if (lastNumberId && numbers.includes(lastNumberId)) return lastNumberId;
  const sorted = [...numbers].sort();
  return sorted[stableHash('sender', contactId) % sorted.length] as string;
}
