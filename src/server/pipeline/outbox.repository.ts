import { sql } from 'kysely';
import type { DbOrTx, MessageStatus, OutboxLane, PhoneNumberRow } from '../db/types.ts';

/** A claimed outbound message, with what the dispatcher needs to send it. */
export interface ClaimedMessage {
  id: string;
  workspace_id: string;
  conversation_id: string;
  type: string;
  content: Record<string, unknown>;
  lane: OutboxLane;
  attempts: number;
  to_wa_id: string;
  last_inbound_at: Date | null;
}

/**
 * Claims up to `limit` due messages of one number: marks them `sending` with a lease (committed before any
 * HTTP call, so a crash leaves evidence), conversational lane first, then in queue order.
 */
export async function claimOutbound(
  db: DbOrTx,
  input: { phoneNumberId: string; now: Date; limit: number; owner: string; leaseUntil: Date },
): Promise<ClaimedMessage[]> {
  const res = await sql<ClaimedMessage>`
    with due as (
      select id from messages
      where phone_number_id = ${input.phoneNumberId} and status = 'queued'
        and (next_attempt_at is null or next_attempt_at <= ${input.now})
      order by (lane = 'bulk'), next_attempt_at nulls first, id
      limit ${input.limit}
      for update skip locked)
    update messages m set status = 'sending', attempts = m.attempts + 1, lease_owner = ${input.owner},
      lease_expires_at = ${input.leaseUntil}, wire_at = null
    from due, contacts ct, conversations cv
    where m.id = due.id and ct.id = m.contact_id and cv.id = m.conversation_id
    returning m.id, m.workspace_id, m.conversation_id, m.type, m.content, m.lane, m.attempts, ct.wa_id as to_wa_id, cv.last_inbound_at`.execute(
    db,
  );
  return res.rows.sort((a, b) => byLane(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Marks claimed messages as on the wire, right before their HTTP calls, and returns the ids this owner still
 * holds. A row is marked only while it is `sending`, leased by `owner` with the lease still running at `now`, and
 * not marked yet — so a row put back meanwhile (its claim lease expired and a tick requeued it, maybe another
 * worker claimed it) or settled by a late status webhook comes back missing, and must not be sent. The row lock
 * makes the mark exclusive with every requeue: either the mark comes first (the row then waits for
 * reconciliation) or the requeue does (and this pump does not send it). The lease is carried to `leaseUntil`,
 * past the moment the HTTP call can still be in flight.
 */
export async function markOnWire(
  db: DbOrTx,
  input: { ids: string[]; owner: string; now: Date; leaseUntil: Date },
): Promise<Set<string>> {
  if (input.ids.length === 0) return new Set();
  const res = await sql<{ id: string }>`
    update messages set wire_at = ${input.now}, lease_expires_at = ${input.leaseUntil}
    where id = any(${input.ids}::uuid[]) and status = 'sending' and lease_owner = ${input.owner}
      and lease_expires_at > ${input.now} and wire_at is null
    returning id`.execute(db);
  return new Set(res.rows.map((r) => r.id));
}

/**
 * Extends the claim leases of one number's messages that this owner holds and has not put on the wire yet (the
 * batch being paced and the prefetched one), so that a pump slower than its lease assumed keeps what it claimed.
 * A lease that already ran out is not revived: the row may have been requeued or taken by another worker.
 */
export async function renewClaims(
  db: DbOrTx,
  input: { phoneNumberId: string; owner: string; now: Date; until: Date },
): Promise<void> {
  await sql`
    update messages set lease_expires_at = ${input.until}
    where phone_number_id = ${input.phoneNumberId} and status = 'sending' and lease_owner = ${input.owner}
      and wire_at is null and lease_expires_at > ${input.now} and lease_expires_at < ${input.until}`.execute(
    db,
  );
}

/** Orders claimed messages conversational lane first (a stable sort keeps the order within a lane). */
export function byLane(a: { lane: OutboxLane }, b: { lane: OutboxLane }): number {
  return (a.lane === 'bulk' ? 1 : 0) - (b.lane === 'bulk' ? 1 : 0);
}

/** Outcome of one send attempt, written back in batches. */
export type SendOutcome =
  | { kind: 'accepted'; id: string; wamid: string }
  | { kind: 'retry'; id: string; at: Date; code: number | null; title: string; details: string | null }
  | { kind: 'failed'; id: string; at: Date; code: number | null; title: string; details: string | null }
  /** Unknown whether Meta received it: leave `sending`, expire the lease now; reconciliation decides. */
  | { kind: 'unknown'; id: string; at: Date; title: string }
  /**
   * Claimed but not sent (shutdown, paused, yielded): back to the queue as it was — only while this owner still
   * holds the claim and the row carries the mark this pump set (`markedAt`), or none when it was never marked.
   */
  | { kind: 'unsent'; id: string; markedAt?: Date };

/** Writes a batch of outcomes in one statement. Returns rows as updated, for events. */
export async function recordOutcomes(
  db: DbOrTx,
  owner: string,
  outcomes: SendOutcome[],
): Promise<
  Array<{
    id: string;
    workspace_id: string;
    conversation_id: string;
    type: string;
    status: MessageStatus;
    wamid: string | null;
    error_code: number | null;
    content: Record<string, unknown>;
  }>
> {
  if (outcomes.length === 0) return [];
  const values = sql.join(
    outcomes.map((o) => {
      const wamid = o.kind === 'accepted' ? o.wamid : null;
      const at = 'at' in o ? o.at : o.kind === 'unsent' ? (o.markedAt ?? null) : null;
      const code = o.kind === 'retry' || o.kind === 'failed' ? o.code : null;
      const title = o.kind === 'retry' || o.kind === 'failed' || o.kind === 'unknown' ? o.title : null;
      const details = o.kind === 'retry' || o.kind === 'failed' ? o.details : null;
      return sql`(${o.id}::uuid, ${o.kind}::text, ${wamid}::text, ${at}::timestamptz, ${code}::int, ${title}::text, ${details}::text)`;
    }),
  );
  // Lock the rows in id order first, the order status webhooks lock them in, so the two cannot deadlock.
  await sql`select id from messages where id = any(${outcomes.map((o) => o.id)}::uuid[]) order by id for update`.execute(
    db,
  );
  // Only rows still leased by this owner and still `sending` are touched: a status webhook may already have
  // moved the message on (the webhook can beat the HTTP response), and that must not be undone.
  const res = await sql<{
    id: string;
    workspace_id: string;
    conversation_id: string;
    type: string;
    status: MessageStatus;
    wamid: string | null;
    error_code: number | null;
    content: Record<string, unknown>;
  }>`
    update messages m set
      wamid = coalesce(m.wamid, v.wamid),
      status = case
        when m.status <> 'sending' then m.status
        when v.kind = 'accepted' then 'accepted'
        when v.kind = 'failed' then 'failed'
        when v.kind in ('retry', 'unsent') then 'queued'
        else m.status end,
      next_attempt_at = case when v.kind = 'retry' then v.at when v.kind = 'unsent' then null else m.next_attempt_at end,
      attempts = case when v.kind = 'unsent' then greatest(m.attempts - 1, 0) else m.attempts end,
      failed_at = case when v.kind = 'failed' and m.status = 'sending' then v.at else m.failed_at end,
      error_code = case when v.kind in ('failed', 'retry') then v.code else m.error_code end,
      error_title = case when v.kind in ('failed', 'retry', 'unknown') then v.title else m.error_title end,
      error_details = case when v.kind in ('failed', 'retry') then v.details else m.error_details end,
      lease_owner = case when v.kind = 'unknown' then m.lease_owner else null end,
      lease_expires_at = case when v.kind = 'unknown' then v.at else null end,
      wire_at = case when v.kind in ('retry', 'unsent') and m.status = 'sending' then null else m.wire_at end
    from (values ${values}) as v(id, kind, wamid, at, code, title, details)
    where m.id = v.id and (m.lease_owner = ${owner} or m.status <> 'sending')
      -- A put-back touches only a claim this owner still holds, in the state this pump left it (unmarked, or
      -- carrying its own mark): never a row requeued, claimed again, put on the wire by another batch or settled.
      and (v.kind <> 'unsent'
        or (m.status = 'sending' and m.lease_owner = ${owner} and m.wire_at is not distinct from v.at))
    returning m.id, m.workspace_id, m.conversation_id, m.type, m.status, m.wamid, m.error_code, m.content`.execute(
    db,
  );
  return res.rows;
}

/** Phone numbers (not deleted) that have messages due now, whole rows: a pump starts from one. */
export async function numbersWithDueMessages(db: DbOrTx, now: Date): Promise<PhoneNumberRow[]> {
  // One short probe of the outbox index per number, instead of reading every queued message on each tick.
  const res = await sql<PhoneNumberRow>`
    select p.* from phone_numbers p
    where p.deleted_at is null and exists (
      select 1 from messages m
      where m.phone_number_id = p.id and m.status = 'queued'
        and (m.next_attempt_at is null or m.next_attempt_at <= ${now}))`.execute(db);
  return res.rows;
}

/**
 * Puts back claims that never went on the wire and whose lease expired (their owner died or stalled): they were
 * not sent, so they are queued again at once with the attempt undone — no reconciliation wait, no possible
 * duplicate. A stalled owner cannot send them any more: its mark (`markOnWire`) finds them gone. Returns how many.
 */
export async function releaseExpiredClaims(db: DbOrTx, now: Date): Promise<number> {
  const res = await sql`
    update messages set status = 'queued', lease_owner = null, lease_expires_at = null, next_attempt_at = null,
      attempts = greatest(attempts - 1, 0)
    where status = 'sending' and wire_at is null and lease_expires_at < ${now}`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/**
 * Sends on the wire whose outcome is unknown (the process died, or the HTTP call timed out, between the call and
 * the commit) and for which no status webhook arrived within the reconciliation timeout: requeued. Each is a
 * possible duplicate, and counted as such. Returns how many were requeued.
 *
 * "No status arrived" is judged on what ingest has applied, so a status webhook received in time but still
 * waiting in the journal holds the resend back: a send whose wait began at `lease_expires_at` is requeued only
 * when `lease_expires_at + timeout` is before now AND before the receipt of every webhook not yet processed —
 * `webhook_events` rows and, on PGlite with a spool, bodies not yet moved into it (`pendingSince`, the receipt
 * time of the oldest).
 */
export async function requeueUnreconciled(
  db: DbOrTx,
  input: { now: Date; timeoutMs: number; pendingSince?: Date | null },
): Promise<number> {
  const horizon = Math.min(input.now.getTime(), input.pendingSince?.getTime() ?? Infinity);
  const before = new Date(horizon - input.timeoutMs);
  const res = await sql`
    update messages set status = 'queued', lease_owner = null, lease_expires_at = null, next_attempt_at = null,
      wire_at = null, error_title = 'resent after unknown outcome'
    where status = 'sending' and wire_at is not null and lease_expires_at < ${before}
      and lease_expires_at < coalesce(
        (select received_at from webhook_events where processed_at is null order by id limit 1),
        'infinity'::timestamptz
      ) - ${`${input.timeoutMs} milliseconds`}::interval`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/**
 * Takes (or renews) a number's lease. Returns null when another worker holds it; otherwise, when the lease was
 * released by another worker, the instant its last send stops counting in the number's throughput window
 * (`handedOverQuietAt`, wall clock ms): the new holder's pacer knows nothing of those sends and waits for it.
 */
export async function acquireNumberLease(
  db: DbOrTx,
  input: { phoneNumberId: string; owner: string; now: Date; until: Date },
): Promise<{ handedOverQuietAt: number | null } | null> {
  const res = await sql<{ owner: string; previous_owner: string | null; quiet_until: Date | null }>`
    with previous as (select owner, quiet_until from dispatch_leases where phone_number_id = ${input.phoneNumberId})
    insert into dispatch_leases (phone_number_id, owner, expires_at) values (${input.phoneNumberId}, ${input.owner}, ${input.until})
    on conflict (phone_number_id) do update set owner = excluded.owner, expires_at = excluded.expires_at, quiet_until = null
      where dispatch_leases.owner = excluded.owner or dispatch_leases.expires_at < ${input.now}
    returning owner, (select owner from previous) as previous_owner, (select quiet_until from previous) as quiet_until`.execute(
    db,
  );
  const row = res.rows[0];
  if (row?.owner !== input.owner) return null;
  const handedOver = row.previous_owner !== input.owner ? row.quiet_until : null;
  return { handedOverQuietAt: handedOver?.getTime() ?? null };
}

/**
 * Releases a number's lease, keeping when its holder's last send stops counting (`quietAt`, wall clock ms) for
 * a worker that takes the number over.
 */
export async function releaseNumberLease(
  db: DbOrTx,
  input: { phoneNumberId: string; owner: string; quietAt: number },
): Promise<void> {
  await sql`
    update dispatch_leases set expires_at = '-infinity', quiet_until = ${Number.isFinite(input.quietAt) ? new Date(input.quietAt) : null}
    where phone_number_id = ${input.phoneNumberId} and owner = ${input.owner}`.execute(db);
}

/** Queue depth per number (for /metrics). */
export async function queueDepthByNumber(
  db: DbOrTx,
): Promise<Array<{ phone_number_id: string; depth: number }>> {
  const res = await sql<{ phone_number_id: string; depth: number }>`
    select p.phone_number_id, count(*)::int as depth from messages m join phone_numbers p on p.id = m.phone_number_id
    where m.status in ('queued', 'sending') group by p.phone_number_id`.execute(db);
  return res.rows;
}

/**
 * After a crash of the only process that can use an embedded database (the data-directory lock guarantees
 * it), every claim it held is void: jobs become claimable at once, number leases are dropped, claimed sends
 * that never went on the wire are queued again at once, and sends on the wire start their reconciliation wait
 * now instead of after their lease (journal rows are claimed by row locks, which ended with the process).
 * Never used with PostgreSQL, where other live processes hold claims. Returns how many sends were put back and
 * how many wait for reconciliation.
 */
export async function releaseClaimsAfterRestart(
  db: DbOrTx,
  now: Date,
): Promise<{ requeued: number; reconciling: number }> {
  await sql`update jobs set status = 'pending', locked_until = null where status = 'running'`.execute(db);
  await sql`delete from dispatch_leases`.execute(db);
  const requeued = await sql`
    update messages set status = 'queued', lease_owner = null, lease_expires_at = null, next_attempt_at = null,
      attempts = greatest(attempts - 1, 0)
    where status = 'sending' and wire_at is null`.execute(db);
  await sql`update messages set lease_expires_at = ${now} where status = 'sending' and lease_expires_at > ${now}`.execute(
    db,
  );
  const reconciling = await sql<{ n: number }>`
    select count(*)::int as n from messages where status = 'sending'`.execute(db);
  return { requeued: Number(requeued.numAffectedRows ?? 0), reconciling: reconciling.rows[0]?.n ?? 0 };
}
