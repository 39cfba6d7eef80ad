import type { RealtimeEvent } from '../../contracts/realtime.schemas.ts';
import { systemClock, type Clock } from '../../lib/clock.ts';
import type { Db, PhoneNumberRow } from '../db/types.ts';
import { publishEvents } from '../events.ts';
import type { SecretBox } from '../lib/crypto.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import {
  isWindowOpen,
  messagePreview,
  parseOutboxNotice,
  requiresOpenWindow,
} from '../modules/messages/messages.rules.ts';
import type { GraphClient } from '../whatsapp/graph-client.ts';
import { toSendBody, type MessageContent } from '../../contracts/whatsapp/send.schemas.ts';
import type { SendContent } from '../modules/messages/messages.service.ts';
import {
  acquireNumberLease,
  byLane,
  claimOutbound,
  markOnWire,
  numbersWithDueMessages,
  recordOutcomes,
  releaseExpiredClaims,
  releaseNumberLease,
  renewClaims,
  requeueUnreconciled,
  type ClaimedMessage,
  type SendOutcome,
} from './outbox.repository.ts';
import {
  MAX_SEND_ATTEMPTS,
  SendPacer,
  numberBackoffMs,
  recipientBackoffMs,
  retryBackoffMs,
} from './pacing.rules.ts';
import { applyParkedStatuses } from '../modules/messages/message-status.service.ts';
import { callbackDataFor } from '../modules/messages/message-status.rules.ts';

export interface DispatcherDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  graph: GraphClient;
  secrets: SecretBox;
  /** Unique per process: owns number leases and message leases. */
  workerId: string;
  /** How long an unknown-outcome send waits for a status webhook before it is resent. */
  reconcileTimeoutMs: number;
  /**
   * When the oldest acknowledged webhook not yet in `webhook_events` was received (the PGlite spool's backlog):
   * reconciliation waits for it like for an unprocessed journal row. Absent: every acknowledged webhook is a row.
   */
  oldestUnjournaledWebhookAt?: () => Date | null;
  /**
   * The connection for the "on the wire" marks taken right before HTTP calls (PGlite: its urgent lane, so a mark
   * does not queue behind an ingest batch's statements and stall the pacing). Default `db`.
   */
  wireDb?: Db;
  /**
   * The clock that paces sends. Pacing is about real network time against Meta's per-second limits, so it is
   * the wall clock even when `clock` (windows, backoff, leases) is a fake one in tests.
   */
  pacingClock?: Clock;
  numberLeaseMs?: number;
  maxInFlightPerNumber?: number;
  /** The Graph client's request timeout (default 20 s): a send on the wire keeps its lease past it. */
  requestTimeoutMs?: number;
}

/**
 * The lease of a send marked on the wire: its outcome counts as unknown, and its reconciliation wait begins, only
 * after this. Above `WIRE_MARK_VALID_MS` plus the Graph client's request timeout plus 5 s of slack, so that a call
 * still in flight is never requeued, whatever the reconciliation timeout (30 s with the default 20 s timeout).
 */
export function wireLeaseMs(requestTimeoutMs: number): number {
  return WIRE_MARK_VALID_MS + requestTimeoutMs + 5_000;
}

/** Outcomes of sends are written in one statement once this many have come back (and at the end of a batch). */
export const OUTCOME_FLUSH_SIZE = 100;

/**
 * How long a mark stays good for starting the HTTP call. A message marked longer ago (the pump stalled between the
 * mark and its send slot) is put back unsent rather than sent on a lease that may run out while it is in flight.
 */
export const WIRE_MARK_VALID_MS = 5_000;

/** Sends and outcomes of one pump run, shared across its batches. */
interface PumpRun {
  inFlight: Set<Promise<void>>;
  pending: SendOutcome[];
  writes: Promise<void>[];
}

interface NumberPump {
  number: PhoneNumberRow;
  pacer: SendPacer;
  running: Promise<void> | null;
  pausedUntil: number;
  throttleHits: number;
  /** When the current throttling episode began (ms): answers to sends made before it belong to it. */
  throttledAt: number;
  /** A conversational message was queued while this pump sends: bulk messages it holds yield to it. */
  conversationalWaiting: boolean;
}

/**
 * The outbound half of the pipeline. The message row is the send queue; for each phone number with due
 * messages, this process takes the number's lease (so two workers never drive one number), claims messages
 * (`sending`, committed before the HTTP call), paces them with `SendPacer` at the number's mps, sends with
 * `biz_opaque_callback_data` = our id, and records outcomes in batches. Throughput errors back off the
 * number; pair-rate errors back off the recipient; permanent and policy errors fail the message; an unknown
 * outcome (timeout, crash) is left for reconciliation from status webhooks before any resend (DESIGN.md §5).
 */
export class Dispatcher {
  private readonly pumps = new Map<string, NumberPump>();
  private stopping = false;

  constructor(private readonly deps: DispatcherDeps) {}

  /**
   * One scheduling round: put back expired claims that never went on the wire, requeue unreconciled sends, start
   * pumps for numbers with due work.
   */
  async tick(): Promise<void> {
    if (this.stopping) return;
    const { db, clock, metrics } = this.deps;
    const released = await releaseExpiredClaims(db, clock.now());
    if (released > 0)
      this.deps.logger.info(
        { released },
        'requeued claimed messages whose claim expired before they were sent',
      );
    const requeued = await requeueUnreconciled(db, {
      now: clock.now(),
      timeoutMs: this.deps.reconcileTimeoutMs,
      pendingSince: this.deps.oldestUnjournaledWebhookAt?.() ?? null,
    });
    if (requeued > 0) {
      metrics.possibleDuplicates.inc(requeued);
      this.deps.logger.warn(
        { requeued },
        'resending messages whose outcome stayed unknown past the reconciliation timeout',
      );
    }
    for (const number of await numbersWithDueMessages(db, clock.now())) {
      const id = number.id;
      const pump = this.pumps.get(id);
      if (pump?.running || (pump && pump.pausedUntil > clock.nowMs())) continue;
      const entry =
        pump && pump.pacer.mps === number.mps
          ? Object.assign(pump, { number })
          : {
              number,
              pacer: new SendPacer(number.mps),
              running: null,
              pausedUntil: 0,
              throttleHits: 0,
              throttledAt: -Infinity,
              conversationalWaiting: false,
            };
      this.pumps.set(id, entry);
      entry.running = this.runPump(entry).finally(() => {
        entry.running = null;
      });
    }
  }

  /**
   * Hears of a message queued (the outbox NOTIFY payload). A conversational message on a number whose pump is
   * sending makes the pump put back the bulk messages it holds and claim again, conversational lane first, so
   * the reply takes the number's next send slot instead of waiting behind a claimed batch of a broadcast.
   */
  notify(payload: string): void {
    const notice = parseOutboxNotice(payload);
    if (notice?.lane !== 'conversational') return;
    const pump = this.pumps.get(notice.phoneNumberId);
    if (pump?.running) pump.conversationalWaiting = true;
  }

  /** Sends everything due now, then returns (tests, with a fake clock). */
  async drain(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await this.tick();
      const running = [...this.pumps.values()]
        .map((p) => p.running)
        .filter((p): p is Promise<void> => p !== null);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** Stops claiming, waits for in-flight sends and their bookkeeping, releases leases. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.pumps.values()].map((p) => p.running));
  }

  private async runPump(pump: NumberPump): Promise<void> {
    const { db, clock, workerId } = this.deps;
    const leaseMs = this.deps.numberLeaseMs ?? 15_000;
    const numberId = pump.number.id;
    const lease = () =>
      acquireNumberLease(db, {
        phoneNumberId: numberId,
        owner: workerId,
        now: clock.now(),
        until: new Date(clock.nowMs() + leaseMs),
      });
    const taken = await lease();
    if (!taken) return;
    if (taken.handedOverQuietAt !== null)
      pump.pacer.holdUntil(taken.handedOverQuietAt, (this.deps.pacingClock ?? systemClock).nowMs());
    // A batch is about one second of sends. Its message lease covers twice that plus slack (the next batch is
    // claimed while the current one is being sent), so after a crash in-flight messages are reconsidered soon.
    const batchSize = Math.min(1000, Math.max(10, pump.number.mps));
    const claimLeaseMs = (batchSize / pump.number.mps) * 4000 + 10_000;
    const claim = () =>
      claimOutbound(db, {
        phoneNumberId: numberId,
        now: clock.now(),
        limit: batchSize,
        owner: workerId,
        leaseUntil: new Date(clock.nowMs() + claimLeaseMs),
      });
    const run: PumpRun = { inFlight: new Set(), pending: [], writes: [] };
    try {
      let leaseRenewedAt = clock.nowMs();
      let next: Promise<ClaimedMessage[]> | null = claim();
      while (next) {
        const batch: ClaimedMessage[] = await next;
        if (batch.length === 0) break;
        const go = !this.stopping && pump.pausedUntil <= clock.nowMs();
        // Claim the next batch while this one is sent, so there is no pause between batches.
        next = go ? claim() : null;
        if (clock.nowMs() - leaseRenewedAt > leaseMs / 3) {
          if (!(await lease())) next = null;
          // A pump slower than its claim lease assumed (throttled pacing, a stalled event loop) keeps its claims.
          else
            await renewClaims(db, {
              phoneNumberId: numberId,
              owner: workerId,
              now: clock.now(),
              until: new Date(clock.nowMs() + claimLeaseMs),
            });
          leaseRenewedAt = clock.nowMs();
        }
        const preempted = await this.sendBatch(pump, batch, run);
        if (preempted) next = this.reclaimForConversational(pump, next, claim, run);
      }
      const leftover = next ? await next.catch(() => []) : [];
      for (const msg of leftover) run.pending.push({ kind: 'unsent', id: msg.id });
    } finally {
      await Promise.all(run.inFlight);
      this.flush(run);
      await Promise.all(run.writes);
      await releaseNumberLease(db, {
        phoneNumberId: numberId,
        owner: workerId,
        quietAt: pump.pacer.quietAt(),
      }).catch(() => undefined);
    }
  }

  /**
   * After a batch yielded to a conversational message: the prefetched batch's bulk messages go back to the queue
   * (its conversational ones are kept), and a fresh claim — conversational lane first — is added behind them.
   */
  private async reclaimForConversational(
    pump: NumberPump,
    prefetched: Promise<ClaimedMessage[]> | null,
    claim: () => Promise<ClaimedMessage[]>,
    run: PumpRun,
  ): Promise<ClaimedMessage[]> {
    pump.conversationalWaiting = false;
    if (!prefetched) return [];
    const held = await prefetched;
    for (const m of held) if (m.lane === 'bulk') run.pending.push({ kind: 'unsent', id: m.id });
    this.flush(run);
    const fresh = await claim();
    return [...held.filter((m) => m.lane !== 'bulk'), ...fresh].sort(byLane);
  }

  /** Records outcomes collected so far (in the background; `run.writes` holds the promise). */
  private flush(run: PumpRun): void {
    if (run.pending.length > 0) run.writes.push(this.record(run.pending.splice(0)));
  }

  /**
   * Sends a batch at the number's pace, at most `maxInFlight` requests at a time. Returns once every message
   * has been sent (or put back); responses of the last ones may still be in flight in `run`. True when bulk
   * messages were put back to let a conversational message go first.
   */
  private async sendBatch(pump: NumberPump, batch: ClaimedMessage[], run: PumpRun): Promise<boolean> {
    const { clock } = this.deps;
    const pacing = this.deps.pacingClock ?? systemClock;
    const token = this.deps.secrets.open(pump.number.access_token_enc);
    const maxInFlight = this.deps.maxInFlightPerNumber ?? maxInFlightFor(pump.number.mps);
    const halted = () => this.stopping || pump.pausedUntil > clock.nowMs();
    let preempted = false;
    const yields = (msg: ClaimedMessage) => {
      if (!pump.conversationalWaiting || msg.lane !== 'bulk') return false;
      preempted = true;
      return true;
    };
    const wire = new WireMarks(
      batch.filter((m) => this.policyBlock(m) === null),
      wireChunkFor(pump.number.mps),
      (ids, at) => this.markOnWire(ids, at),
      clock,
    );
    // A message not sent goes back to the queue, with the mark this pump may have put on it.
    const putBack = async (msg: ClaimedMessage) => {
      const mark = await wire.markOf(msg.id);
      if (mark === 'lost') return;
      run.pending.push({ kind: 'unsent', id: msg.id, ...(mark ? { markedAt: mark } : {}) });
    };
    let lost = 0;
    for (const msg of batch) {
      if (halted() || yields(msg)) {
        await putBack(msg);
        continue;
      }
      const blocked = this.policyBlock(msg);
      if (blocked) {
        run.pending.push(blocked);
        continue;
      }
      while (run.inFlight.size >= maxInFlight) await Promise.race(run.inFlight);
      // Only a claim this pump still holds, marked on the wire under its lease, is sent (see `markOnWire`).
      const held = await wire.holds(msg.id);
      if (held === 'lost') {
        lost++;
        continue;
      }
      for (let wait = pump.pacer.delay(pacing.nowMs()); wait > 0; wait = pump.pacer.delay(pacing.nowMs())) {
        await new Promise<void>((resolve) => pacing.setTimer(wait, resolve));
      }
      // A throughput error may have paused the number while we waited for the slot, or a reply come in; the
      // wait may have outlived the mark.
      if (held !== 'held' || halted() || yields(msg) || wire.stale(msg.id)) {
        await putBack(msg);
        continue;
      }
      pump.pacer.start(pacing.nowMs());
      const p: Promise<void> = this.sendOne(pump, token, msg).then((outcome) => {
        run.pending.push(outcome);
        run.inFlight.delete(p);
        if (run.pending.length >= OUTCOME_FLUSH_SIZE) this.flush(run);
      });
      run.inFlight.add(p);
    }
    await wire.settled();
    if (lost > 0)
      this.deps.logger.warn(
        { lost, phoneNumberId: pump.number.phone_number_id },
        'claimed messages not sent: their claim was lost (requeued after its lease expired, or settled)',
      );
    if (run.inFlight.size === 0 || preempted) this.flush(run);
    return preempted;
  }

  /** Marks claimed messages as on the wire at `at`; null when the statement failed (nothing is sent then). */
  private async markOnWire(ids: string[], at: Date): Promise<Set<string> | null> {
    try {
      return await markOnWire(this.deps.wireDb ?? this.deps.db, {
        ids,
        owner: this.deps.workerId,
        now: at,
        leaseUntil: new Date(at.getTime() + wireLeaseMs(this.deps.requestTimeoutMs ?? 20_000)),
      });
    } catch (err) {
      this.deps.logger.error({ err, count: ids.length }, 'failed to mark messages as on the wire');
      return null;
    }
  }

  /** Policy checked at send time, not only at enqueue: a backlog must not carry a message past the window. */
  private policyBlock(msg: ClaimedMessage): SendOutcome | null {
    const now = this.deps.clock.now();
    if (requiresOpenWindow(msg.type) && !isWindowOpen(msg.last_inbound_at, now)) {
      return {
        kind: 'failed',
        id: msg.id,
        at: now,
        code: null,
        title: 'window_closed',
        details:
          'The 24-hour customer service window closed before the message could be sent; send a template instead.',
      };
    }
    return null;
  }

  private async sendOne(pump: NumberPump, token: string, msg: ClaimedMessage): Promise<SendOutcome> {
    const { clock, metrics } = this.deps;
    const { context, ...content } = msg.content as SendContent;
    const body = toSendBody('+' + msg.to_wa_id, content as MessageContent, {
      replyToWamid: context?.message_id,
      bizOpaqueCallbackData: callbackDataFor(msg.id),
    });
    const sentAt = clock.nowMs();
    const pacing = this.deps.pacingClock ?? systemClock;
    let result: Awaited<ReturnType<GraphClient['sendMessage']>>;
    try {
      result = await this.deps.graph.sendMessage(
        { phoneNumberId: pump.number.phone_number_id, accessToken: token },
        body,
      );
    } finally {
      // The send counted against the number's throughput from its start until now (see SendPacer).
      pump.pacer.finish(pacing.nowMs());
    }
    const now = clock.now();
    if (result.ok) {
      pump.throttleHits = 0;
      metrics.outboundMessages.inc({ status: 'accepted' });
      return { kind: 'accepted', id: msg.id, wamid: result.wamid };
    }
    const e = result.error;
    const base = { id: msg.id, code: e.code, title: e.title, details: e.details };
    if (e.ambiguous) {
      metrics.outboundMessages.inc({ status: 'unknown' });
      return { kind: 'unknown', id: msg.id, at: now, title: `outcome unknown: ${e.title}` };
    }
    if (e.category === 'throttle' && e.retryScope === 'recipient') {
      metrics.outboundMessages.inc({ status: 'throttled_recipient' });
      return { kind: 'retry', ...base, at: new Date(now.getTime() + recipientBackoffMs(msg.attempts)) };
    }
    if (e.category === 'throttle' || e.category === 'auth') {
      // Sends already in flight when the first 130429 came back are refused for the same reason: one
      // episode, one escalation of the backoff and one slow-down, however many sends were in flight.
      if (sentAt > pump.throttledAt) {
        pump.throttleHits++;
        pump.throttledAt = now.getTime();
        if (e.category === 'throttle') pump.pacer.slowDown();
      }
      const wait = e.category === 'auth' ? 60_000 : numberBackoffMs(pump.throttleHits);
      pump.pausedUntil = Math.max(pump.pausedUntil, now.getTime() + wait);
      metrics.outboundMessages.inc({ status: e.category === 'auth' ? 'auth_error' : 'throttled' });
      if (msg.attempts >= MAX_SEND_ATTEMPTS) return { kind: 'failed', ...base, at: now };
      return { kind: 'retry', ...base, at: new Date(now.getTime() + wait) };
    }
    if (e.retryable && msg.attempts < MAX_SEND_ATTEMPTS) {
      metrics.outboundMessages.inc({ status: 'retry' });
      return { kind: 'retry', ...base, at: new Date(now.getTime() + retryBackoffMs(msg.attempts)) };
    }
    metrics.outboundMessages.inc({ status: 'failed' });
    return { kind: 'failed', ...base, at: now };
  }

  private async record(outcomes: SendOutcome[]): Promise<void> {
    const { db, clock, workerId } = this.deps;
    try {
      await db.transaction().execute(async (tx) => {
        const rows = await recordOutcomes(tx, workerId, outcomes);
        const events: RealtimeEvent[] = rows.map((r) => ({
          type: 'message.updated',
          workspaceId: r.workspace_id,
          data: {
            id: r.id,
            conversationId: r.conversation_id,
            direction: 'outbound',
            type: r.type,
            status: r.status,
            wamid: r.wamid,
            preview: messagePreview(r.content),
            errorCode: r.error_code,
          },
        }));
        events.push(
          ...(await applyParkedStatuses(
            tx,
            clock,
            rows.map((r) => r.wamid).filter((w): w is string => w !== null),
          )),
        );
        await publishEvents(tx, events);
      });
    } catch (err) {
      // The sends happened; their rows stay `sending` until the lease expires and reconciliation (status
      // webhooks carry our id) settles them. Nothing is resent blindly.
      this.deps.logger.error({ err, count: outcomes.length }, 'failed to record send outcomes');
    }
  }
}

/**
 * How many sends are marked on the wire in one statement: about 100 ms of the number's sends (1 to 100). With the
 * one chunk marked ahead, a crash leaves at most two chunks plus the requests in flight waiting for
 * reconciliation, while a mark costs one short statement per chunk.
 */
export function wireChunkFor(mps: number): number {
  return Math.min(100, Math.max(1, Math.ceil(mps / 10)));
}

/**
 * The "on the wire" marks of one batch, taken in chunks of `chunk` messages in send order, one chunk ahead of the
 * sends, so that a mark's round trip overlaps the previous chunk's sends instead of delaying them.
 */
class WireMarks {
  private readonly chunkOf = new Map<string, number>();
  private readonly marks = new Map<number, { at: Date; ids: Promise<Set<string> | null> }>();

  constructor(
    private readonly sendable: ClaimedMessage[],
    private readonly chunk: number,
    private readonly mark: (ids: string[], at: Date) => Promise<Set<string> | null>,
    private readonly clock: Clock,
  ) {
    sendable.forEach((m, i) => this.chunkOf.set(m.id, Math.floor(i / chunk)));
  }

  /**
   * Marks `id`'s chunk (and requests the next one) and says whether this pump may send it: held (marked under its
   * claim), lost (not its claim any more: never send, never put back) or unknown (the mark failed: put back).
   */
  async holds(id: string): Promise<'held' | 'lost' | 'unknown'> {
    const k = this.chunkOf.get(id);
    if (k === undefined) return 'unknown';
    const current = this.request(k);
    this.request(k + 1);
    const marked = await current.ids;
    if (marked === null) return 'unknown';
    return marked.has(id) ? 'held' : 'lost';
  }

  /** True when `id` was marked longer ago than a send may start on its mark (`WIRE_MARK_VALID_MS`). */
  stale(id: string): boolean {
    const m = this.marks.get(this.chunkOf.get(id) ?? -1);
    return m !== undefined && this.clock.nowMs() - m.at.getTime() > WIRE_MARK_VALID_MS;
  }

  /**
   * The mark this pump put on `id`, for putting it back unsent: its time, null when none was requested, 'lost'
   * when the row is not this pump's any more. A mark whose outcome is unknown counts as taken: the put-back then
   * matches the row only if it was.
   */
  async markOf(id: string): Promise<Date | null | 'lost'> {
    const m = this.marks.get(this.chunkOf.get(id) ?? -1);
    if (!m) return null;
    const marked = await m.ids;
    if (marked === null || marked.has(id)) return m.at;
    return 'lost';
  }

  /** Waits for every mark requested, so that no mark lands after the batch's put-backs are recorded. */
  async settled(): Promise<void> {
    await Promise.all([...this.marks.values()].map((m) => m.ids));
  }

  private request(k: number): { at: Date; ids: Promise<Set<string> | null> } {
    let m = this.marks.get(k);
    if (!m) {
      const ids = this.sendable.slice(k * this.chunk, (k + 1) * this.chunk).map((msg) => msg.id);
      const at = this.clock.now();
      m = { at, ids: ids.length === 0 ? Promise.resolve(new Set<string>()) : this.mark(ids, at) };
      this.marks.set(k, m);
    }
    return m;
  }
}

/**
 * How many sends of one number may be in flight at once: enough for 100 ms of latency at the number's rate —
 * and 250 ms above 200 mps, where a short stall of the event loop would otherwise cap the rate. The limit is
 * also back-pressure: when the API slows down, fewer requests pile up and arrive at Meta in a bunch.
 */
export function maxInFlightFor(mps: number): number {
  return Math.min(256, Math.max(4, Math.ceil(mps > 200 ? mps / 4 : mps / 10)));
}
