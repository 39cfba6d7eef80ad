import {
  CAMPAIGN_TRANSITIONS,
  type CampaignDto,
  type CampaignStatus,
} from '../../../contracts/campaign.schemas.ts';
import type { Role } from '../../lib/types.ts';

/*
 * What the Campaigns pages show and offer for a campaign (pure): how often its counters refresh, which buttons a
 * role gets, and how a status reads.
 */

/** Replies are attributed for 72 h after a send: a finished campaign's counters can move that long. */
const SETTLING_MS = 72 * 3_600_000;

/**
 * How often the campaign page refreshes (ms), or false: every 3 s while it is scheduled or sending; every 5 s in
 * the first hour after it stopped (delivery and read statuses still arrive), then every 30 s for the 72 h in which
 * replies are attributed; never for a draft, a campaign awaiting approval, or after that.
 */
export function liveRefreshMs(c: CampaignDto, now = Date.now()): number | false {
  if (c.status === 'running' || c.status === 'scheduled') return 3_000;
  if (c.status === 'draft' || c.status === 'awaiting_approval') return false;
  const since = now - Date.parse(c.completedAt ?? c.updatedAt);
  return since < 3_600_000 ? 5_000 : since < SETTLING_MS ? 30_000 : false;
}

/** What the signed-in role may do with campaigns (campaign-access.rules.ts on the server). */
export interface CampaignAbilities {
  /** Build and edit drafts, estimate, launch (owners and admins) or ask for approval (agents). */
  edit: boolean;
  /** Approve, pause, resume, cancel. */
  manage: boolean;
  /** A launch by this role waits for an owner's or admin's approval. */
  needsApproval: boolean;
}

/** Abilities of a role: analysts only read. */
export function abilitiesOf(role: Role): CampaignAbilities {
  const manage = role === 'owner' || role === 'admin';
  return { edit: manage || role === 'agent', manage, needsApproval: !manage };
}

/** The transitions offered on a campaign's page, in the order of its buttons (launch is the draft page's). */
export function offeredActions(
  status: CampaignStatus,
  can: CampaignAbilities,
): ('approve' | 'pause' | 'resume' | 'cancel')[] {
  if (!can.manage) return [];
  return (['approve', 'pause', 'resume', 'cancel'] as const).filter((a) =>
    (CAMPAIGN_TRANSITIONS[a] as readonly CampaignStatus[]).includes(status),
  );
}
