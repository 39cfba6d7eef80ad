/**
 * Who may do what with campaigns (pure). Owners and admins (the `manage` permission) build, launch, approve,
 * pause, resume and cancel; their launch needs no approval (they are the approvers). Agents (`converse`) build
 * drafts and ask for a launch, which waits in `awaiting_approval` until an owner or admin approves it. Analysts
 * read. The same holds for API keys of each role.
 */
import { CAMPAIGN_TRANSITIONS } from '../../../contracts/campaign.schemas.ts';
import type { CampaignStatus, MemberRole } from '../../db/types.ts';
import type { Permission } from '../auth/principal.rules.ts';

/** Whether a launch by this role goes ahead or waits for approval. */
export function launchNeedsApproval(role: MemberRole): boolean {
  return role !== 'owner' && role !== 'admin';
}

/** The status a campaign takes when it is let go: running for `now`, scheduled for a later time. */
export function launchedStatus(scheduleKind: 'now' | 'at' | 'local'): CampaignStatus {
  return scheduleKind === 'now' ? 'running' : 'scheduled';
}

/** Statuses from which each transition is allowed (shared with the console, which offers only these). */
export const TRANSITIONS = CAMPAIGN_TRANSITIONS satisfies Record<string, readonly CampaignStatus[]>;

/**
 * Who reports conversions: integrations (an API key that may send, i.e. not an analyst's) and, in the console,
 * owners and admins — a conversion moves revenue figures, so agents do not enter them by hand.
 */
export function conversionPermission(kind: 'session' | 'api_key'): Permission {
  return kind === 'api_key' ? 'converse' : 'manage';
}
