/**
 * Release: due `planned` ledger rows become outbox messages. Per sending number, a budget from the pacing rules
 * (mps, hourly cap, messaging limit, ramp); then batches, each ONE transaction that holds the campaign row in
 * share mode (a pause or cancel waits for it, then nothing more leaves), claims due rows `FOR UPDATE SKIP LOCKED`,
 * re-checks consent, reachability and quiet hours, creates the rows' messages through the messages module in
 * set-based statements (origin campaign → bulk lane) and marks the rows queued with their message ids. The
 * message's idempotency key `campaign:<campaign>:<contact>:<attempt>` is unique per workspace, so no crash,
 * duplicate job, second worker or double-fired schedule can create a second message for a ledger row's attempt.
 */
import type { CampaignStatus, DbOrTx } from '../../db/types.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { AppError } from '../../lib/app-error.ts';
import { queueToContactsInTransaction, type ContactSendResult } from '../messages/messages-batch.service.ts';
import { findMessage } from '../messages/messages.repository.ts';
import { mediaIdForNumber } from '../media/media.service.ts';
import type { CampaignTemplate } from '../../../contracts/campaign.schemas.ts';
import { templateContent, type HeaderMedia, type RecipientLinks } from './campaign-message.rules.ts';
import { trackedDestinations } from './campaign-links.rules.ts';
import { codesOf, linksForRecipients } from './campaign-links.service.ts';
import { releaseBudget } from './campaign-pacing.rules.ts';
import { carryPastQuietHours, releaseRecheck, requiresOptIn, senderFor } from './campaign-plan.rules.ts';
import { enqueueRelease } from './campaign-plan.service.ts';
import {
  claimDueRows,
  findOrphanRows,
  lockNumberForRelease,
  markRowsQueued,
  reassignSenders,
  nextDueAt,
  numberLoad,
  updateLedgerRow,
  type DueRow,
} from './campaign-ledger.repository.ts';
import { findCampaignRow, findSendingNumbers, updateCampaignRow } from './campaigns.repository.ts';
import {
  assertTemplatesApproved,
  toCampaign,
  type Campaign,
  type CampaignsDeps,
} from './campaigns.service.ts';

/** Seconds between scheduled releases: the throughput budget covers one tick. */
export const RELEASE_TICK_SECONDS = 60;
type SendingNumber = Awaited<ReturnType<typeof findSendingNumbers>>[number];

/** Ledger rows per release transaction. */
const RELEASE_BATCH = 200;
/**
 * Release transactions per job run (1,000 rows): a run then hands over to a new job at once. Runs stay a few
 * seconds long, so the job's lease can be short (a run lost with a killed worker is taken again within it, not
 * after the next minute's tick) and jobs queued meanwhile (statuses, replies) are not held up by one long run.
 */
export const RELEASE_BATCHES_PER_RUN = 5;
/** The run lease of a `campaign.release` job (seconds): well above one run of `RELEASE_BATCHES_PER_RUN` batches. */
export const RELEASE_LEASE_SECONDS = 30;
const RELEASING: readonly CampaignStatus[] = ['scheduled', 'running'];

/** What one release run did. */
export interface ReleaseResult {
  queued: number;
  skipped: number;
  deferred: number;
}

/**
 * Releases what is due now on every number of the campaign, within budget. As the `campaign.release` job (`run`
 * given: its job id and `RELEASE_BATCHES_PER_RUN`), in at most `run.maxBatches` transactions; when more is due
 * and within budget, the next run is enqueued at once (keyed by this run, so a run done twice hands over once).
 */
export async function releaseCampaign(
  deps: CampaignsDeps,
  workspaceId: string,
  campaignId: string,
  run: { key: string; maxBatches: number; batchSize?: number } | null = null,
): Promise<ReleaseResult> {
  const total: ReleaseResult = { queued: 0, skipped: 0, deferred: 0 };
  let batches = 0;
  const row = await findCampaignRow(deps.db, workspaceId, campaignId);
  if (!row || !RELEASING.includes(row.status)) return total;
  const c = toCampaign(row);
  const category = await assertTemplatesApproved(deps, c).catch(() => null);
  const requireOptIn = requiresOptIn(c.exclusions.requireOptIn, category);
  const numbers = await findSendingNumbers(deps.db, workspaceId, c.numbers);
  await moveOrphanRows(
    deps,
    c,
    numbers.map((n) => n.id),
  );
  for (const number of numbers) {
    let headers: HeaderMedias | null = null;
    for (;;) {
      // Header media is resolved (uploaded for this number when needed) before the first batch, outside its
      // transaction: no Graph call holds the campaign row or the number's lock.
      headers ??= await headerMedias(deps, c, number.id);
      const h = headers;
      const r = await deps.db.transaction().execute((tx) =>
        releaseBatch(tx, deps, c, {
          number,
          requireOptIn,
          batchSize: run?.batchSize ?? RELEASE_BATCH,
          headers: h,
        }),
      );
      if (r === null) return total; // paused or cancelled meanwhile
      total.queued += r.queued;
      total.skipped += r.skipped;
      total.deferred += r.deferred;
      if (r.claimed === 0 || r.claimed < r.limit) break;
      if (run && ++batches >= run.maxBatches) {
        await enqueueJob(
          deps.db,
          deps.clock,
          'campaign.release',
          { campaignId },
          { workspaceId, dedupeKey: `release:${campaignId}:after:${run.key}` },
        );
        return total;
      }
    }
  }
  await afterRelease(deps, c);
  return total;
}

/** The header media of the campaign's templates as sent from one number. */
type HeaderMedias = Map<CampaignTemplate, HeaderMedia>;

/**
 * The header media of each template of the campaign whose header is an uploaded file, for a sending number: the
 * Graph media id of the file for that number (uploaded now when it has none younger than 25 days).
 */
async function headerMedias(deps: CampaignsDeps, c: Campaign, phoneNumberId: string): Promise<HeaderMedias> {
  const out: HeaderMedias = new Map();
  for (const t of [c.template, ...(c.variantB ? [c.variantB.template] : [])]) {
    const h = t.header;
    // A text header is filled per recipient, and a link goes as given (templateContent): only files resolve here.
    if (!h || h.type === 'text' || !h.mediaId) continue;
    if (!deps.graph || !deps.secrets)
      throw new AppError('internal', 'A campaign with header media needs the Graph client to release');
    const id = await mediaIdForNumber(
      { db: deps.db, clock: deps.clock, graph: deps.graph, secrets: deps.secrets },
      c.row.workspace_id,
      h.mediaId,
      phoneNumberId,
    );
    out.set(t, { id });
  }
  return out;
}

/**
 * Rows planned for a number that was removed since: given the sticky-sender pick among the live numbers, or
 * skipped (`no_sender`) when none is left — so a campaign never waits forever on a number that is gone.
 */
async function moveOrphanRows(deps: CampaignsDeps, c: Campaign, live: string[]): Promise<void> {
  const key = { workspaceId: c.row.workspace_id, campaignId: c.row.id };
  for (;;) {
    const orphans = await findOrphanRows(deps.db, { ...key, live, limit: 5000 });
    if (orphans.length === 0) return;
    await reassignSenders(
      deps.db,
      { ...key, now: deps.clock.now() },
      orphans.map((contactId) => ({
        contactId,
        phoneNumberId: live.length > 0 ? senderFor(live, null, contactId) : null,
      })),
    );
  }
}

/** One release transaction; null when the campaign no longer releases. */
async function releaseBatch(
  tx: DbOrTx,
  deps: CampaignsDeps,
  c: Campaign,
  input: { number: SendingNumber; requireOptIn: boolean; batchSize: number; headers: HeaderMedias },
): Promise<(ReleaseResult & { claimed: number; limit: number }) | null> {
  const ws = c.row.workspace_id;
  const locked = await findCampaignRow(tx, ws, c.row.id, 'share');
  if (!locked || !RELEASING.includes(locked.status)) return null;
  // One release batch per number at a time, across campaigns, workers and processes: the budget below is read
  // from committed state and cannot be spent twice.
  await lockNumberForRelease(tx, input.number.id);
  const now = deps.clock.now();
  const load = await numberLoad(tx, input.number.id, now);
  const budget = releaseBudget(
    {
      ...load,
      mps: input.number.mps,
      messagingTier: input.number.messaging_tier,
      messagingLimit: input.number.messaging_limit,
      createdAt: input.number.created_at,
    },
    c.limits,
    RELEASE_TICK_SECONDS,
    now,
  );
  const limit = Math.min(budget, input.batchSize);
  const rows =
    limit === 0
      ? []
      : await claimDueRows(tx, {
          workspaceId: ws,
          campaignId: c.row.id,
          phoneNumberId: input.number.id,
          now,
          limit,
          importId: 'importId' in c.audience ? c.audience.importId : null,
        });
  const result = { queued: 0, skipped: 0, deferred: 0, claimed: rows.length, limit };
  const links = await recipientLinks(tx, deps, c, rows, now);
  const release: DueRow[] = [];
  for (const r of rows) {
    const key = { workspaceId: ws, campaignId: c.row.id, contactId: r.contact_id };
    const reason = releaseRecheck(r.marketing, r.unreachable, input.requireOptIn);
    if (reason) {
      await updateLedgerRow(tx, key, { status: 'skipped', skip_reason: reason, updated_at: now });
      result.skipped++;
      continue;
    }
    const zone = r.time_zone ?? 'UTC';
    const allowedAt = carryPastQuietHours(now, zone, c.quietHours);
    if (allowedAt.getTime() !== now.getTime()) {
      // Due during quiet hours (after a pause, a retry, or a slow drain): carried to the next allowed time.
      await updateLedgerRow(tx, key, { due_at: allowedAt, updated_at: now });
      result.deferred++;
      continue;
    }
    if (r.retry_of_message_id && (await retryAlreadyDelivered(tx, ws, r))) {
      await updateLedgerRow(tx, key, { status: 'delivered', updated_at: now });
      continue;
    }
    release.push(r);
  }
  const queued = await queueRows(tx, deps, c, input.number, release, links, input.headers);
  result.queued += queued.queued;
  result.skipped += queued.skipped;
  if (result.queued > 0 && locked.status === 'scheduled')
    await updateCampaignRow(tx, ws, c.row.id, { status: 'running', updated_at: now }, ['scheduled']);
  return result;
}

/** The template a ledger row's recipient gets (its A/B variant). */
function templateOf(c: Campaign, r: DueRow) {
  return r.variant === 'b' && c.variantB ? c.variantB.template : c.template;
}

/**
 * The short links of a batch's recipients, created in one statement when the campaign tracks links (a row
 * released again — a retry — keeps its codes); a function from row to that recipient's codes.
 */
async function recipientLinks(
  tx: DbOrTx,
  deps: CampaignsDeps,
  c: Campaign,
  rows: DueRow[],
  now: Date,
): Promise<(r: DueRow) => RecipientLinks> {
  const none = () => ({ origin: '', codes: new Map<string, string>() });
  if (!rows.some((r) => trackedDestinations(templateOf(c, r)).length > 0)) return none;
  if (!deps.publicOrigin)
    throw new AppError('internal', 'A campaign with tracked links needs the public origin to release');
  const origin = deps.publicOrigin();
  const links = await linksForRecipients(
    tx,
    { workspaceId: c.row.workspace_id, campaignId: c.row.id, now },
    rows.map((r) => ({ contactId: r.contact_id, template: templateOf(c, r) })),
  );
  return (r) => ({ origin, codes: codesOf(links, r.contact_id, trackedDestinations(templateOf(c, r))) });
}

/**
 * Creates the outbox messages of released rows through the messages module, set-based (origin campaign → bulk
 * lane; a constant number of statements per batch, not ten per recipient), and marks the rows queued. A row the
 * send path refuses for consent is skipped (`opted_out`). A row whose message key exists already (a concurrent
 * release cannot hold the row, so only corrupt state gets there) fails the batch: nothing is sent twice.
 */
async function queueRows(
  tx: DbOrTx,
  deps: CampaignsDeps,
  c: Campaign,
  number: SendingNumber,
  rows: DueRow[],
  links: (r: DueRow) => RecipientLinks,
  headers: HeaderMedias,
): Promise<{ queued: number; skipped: number }> {
  if (rows.length === 0) return { queued: 0, skipped: 0 };
  const ws = c.row.workspace_id;
  const now = deps.clock.now();
  const sends = rows.map((r) => ({
    contactId: r.contact_id,
    phoneNumber: { id: number.id, waba_id: number.waba_id },
    content: templateContent(
      templateOf(c, r),
      {
        name: r.name,
        profileName: r.profile_name,
        phone: r.phone_e164,
        country: r.country,
        attributes: r.attributes,
        csv: r.csv,
      },
      links(r),
      headers.get(templateOf(c, r)) ?? null,
    ),
    idempotencyKey: `campaign:${c.row.id}:${r.contact_id}:${r.attempt}`,
    idempotencyHash: null,
  }));
  const results = await queueToContactsInTransaction(tx, deps.clock, ws, sends, {
    origin: 'campaign',
    authorUserId: null,
  });
  const queued: { contactId: string; messageId: string }[] = [];
  const optedOut: string[] = [];
  rows.forEach((r, i) => {
    const res = results[i] as ContactSendResult;
    if ('id' in res) queued.push({ contactId: r.contact_id, messageId: res.id });
    else if ('raced' in res)
      throw new AppError('conflict', `Campaign message ${sends[i]?.idempotencyKey ?? ''} exists already`);
    else if (res.error.code === 'contact_opted_out') optedOut.push(r.contact_id);
    else throw res.error;
  });
  await markRowsQueued(tx, { workspaceId: ws, campaignId: c.row.id, now }, queued);
  for (const contactId of optedOut)
    await updateLedgerRow(
      tx,
      { workspaceId: ws, campaignId: c.row.id, contactId },
      { status: 'skipped', skip_reason: 'opted_out', updated_at: now },
    );
  return { queued: queued.length, skipped: optedOut.length };
}

/** A retry is pointless (and would be a second delivery) if the failed message was delivered after all. */
async function retryAlreadyDelivered(tx: DbOrTx, workspaceId: string, r: DueRow): Promise<boolean> {
  const previous = await findMessage(tx, workspaceId, r.retry_of_message_id as string);
  return previous !== undefined && (previous.delivered_at !== null || previous.read_at !== null);
}

/** Schedules the next release at the next due time, or completes the campaign when nothing is left. */
async function afterRelease(deps: CampaignsDeps, c: Campaign): Promise<void> {
  const ws = c.row.workspace_id;
  await deps.db.transaction().execute(async (tx) => {
    const row = await findCampaignRow(tx, ws, c.row.id, 'update');
    if (!row || !RELEASING.includes(row.status)) return;
    const next = await nextDueAt(tx, ws, c.row.id);
    const now = deps.clock.now();
    if (next === null) {
      if (row.plan_state === 'done')
        await updateCampaignRow(tx, ws, c.row.id, {
          status: 'completed',
          completed_at: now,
          updated_at: now,
        });
      return;
    }
    if (next.getTime() > now.getTime()) await enqueueRelease(tx, deps, ws, c.row.id, next);
  });
}
