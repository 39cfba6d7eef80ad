/**
 * Click attribution of campaigns: per-recipient short links created when a release batch queues its messages, and
 * the public redirect `GET /r/<code>` that records a click (not a link preview's fetch, not a HEAD) and sends the
 * browser on to the destination. A click publishes `campaign.link_clicked` for counters and analytics.
 */
import { LRUCache } from 'lru-cache';
import { randomBytes } from 'node:crypto';
import type { CampaignTemplate } from '../../../contracts/campaign.schemas.ts';
import type { Clock } from '../../../lib/clock.ts';
import { newId } from '../../../lib/ids.ts';
import type { Db, DbOrTx } from '../../db/types.ts';
import { domainEvents } from '../../domain-events/listeners.catalog.ts';
import { countsAsClick, LINK_CODE_PATTERN, trackedDestinations } from './campaign-links.rules.ts';
import { ensureLinks, findLinkByCode, linkKey, recordClick } from './campaign-links.repository.ts';

/** A new link code: 128 random bits, base64url (22 characters). */
export function newLinkCode(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The link codes of a release batch's recipients, by `linkKey(contact, url)`: every tracked destination of the
 * template each recipient gets, created where missing in one statement.
 */
export async function linksForRecipients(
  tx: DbOrTx,
  key: { workspaceId: string; campaignId: string; now: Date },
  recipients: { contactId: string; template: CampaignTemplate }[],
): Promise<Map<string, string>> {
  const wanted = recipients.flatMap((r) =>
    trackedDestinations(r.template).map((url) => ({ code: newLinkCode(), contactId: r.contactId, url })),
  );
  return ensureLinks(tx, key, wanted);
}

/** The codes of one recipient, by destination URL (what `templateContent` reads). */
export function codesOf(
  links: ReadonlyMap<string, string>,
  contactId: string,
  urls: string[],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const url of urls) {
    const code = links.get(linkKey(contactId, url));
    if (code) out.set(url, code);
  }
  return out;
}

/**
 * Follows a short link: the destination URL, or null for an unknown code (the caller answers 404 and says
 * nothing more). A GET by a person records the click; previews and HEAD requests only redirect.
 */
export async function followLink(
  deps: { db: Db; clock: Clock },
  request: { code: string; method: string; userAgent: string | undefined },
): Promise<string | null> {
  if (!LINK_CODE_PATTERN.test(request.code)) return null;
  const link = await findLinkByCode(deps.db, request.code);
  if (!link) return null;
  if (!countsAsClick(request.method, request.userAgent)) return link.url;
  const at = deps.clock.now();
  const clickId = newId();
  await deps.db.transaction().execute(async (tx) => {
    const firstClick = await recordClick(tx, {
      id: clickId,
      code: link.code,
      workspaceId: link.workspace_id,
      campaignId: link.campaign_id,
      contactId: link.contact_id,
      at,
    });
    await domainEvents.publish(tx, deps.clock, [
      {
        type: 'campaign.link_clicked',
        workspaceId: link.workspace_id,
        key: clickId,
        data: {
          clickId,
          campaignId: link.campaign_id,
          contactId: link.contact_id,
          url: link.url,
          firstClick,
        },
      },
    ]);
  });
  return link.url;
}

/**
 * A per-client fixed-window limit on the public redirect (in memory, per process): enough for a person tapping a
 * link a few times, not for someone enumerating codes. Codes are unguessable anyway; this keeps the endpoint
 * from being a cheap way to load the database.
 */
export class RedirectRateLimiter {
  /**
   * The clients' windows, the least recently seen dropped beyond `maxClients` (lru-cache: a Map trimmed by
   * `keys().next()` walks past every deleted slot, which a stream of new clients would make costly).
   */
  private readonly windows: LRUCache<string, { start: number; count: number }>;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    /** Clients remembered at most; the least recently seen windows are dropped beyond it. */
    maxClients = 10_000,
  ) {
    this.windows = new LRUCache({ max: maxClients });
  }

  /** Whether `client` may make one more request at `nowMs`. */
  allow(client: string, nowMs: number): boolean {
    const w = this.windows.get(client);
    if (!w || nowMs - w.start >= this.windowMs) {
      this.windows.set(client, { start: nowMs, count: 1 });
      return true;
    }
    w.count++;
    return w.count <= this.limit;
  }
}
