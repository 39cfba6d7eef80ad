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
  numbersWithDueMessages,
  recordOutcomes,
  releaseNumberLease,
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
   * The clock that paces sends. Pacing is about real network time against Meta's per-second limits, so it is
   * the wall clock even when `clock` (windows, backoff, leases) is a fake one in tests.
   */
  pacingClock?: Clock;
  numberLeaseMs?: number;
  maxInFlightPerNumber?: number;
}

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

  /** One scheduling round: requeue unreconciled sends, start pumps for numbers with due work. */
  async tick(): Promise<void> {
    if (this.stopping) return;
    const { db, clock, metrics } = this.deps;
    const requeued = await requeueUnreconciled(db, new Date(clock.nowMs() - this.deps.reconcileTimeoutMs));
    if (requeued > 0) {
      metrics.possibleDuplicates.inc(requeued);
      this.deps.logger.warn(
        { requeued },
        'resending messages whose outcome stayed unknown past the reconciliation timeout',
      );
    }
    for (const id of await numbersWithDueMessages(db, clock.now())) {
      const pump = this.pumps.get(id);
      if (pump?.running || (pump && pump.pausedUntil > clock.nowMs())) continue;
      const number = await db.selectFrom('phone_numbers').selectAll().where('id', '=', id).executeTakeFirst();
      if (!number || number.deleted_at) continue;
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
    if (!(await lease())) return;
    // A batch is about one second of sends. Its message lease covers twice that plus slack (the next batch is
    // claimed while the current one is being sent), so after a crash in-flight messages are reconsidered soon.
    const batchSize = Math.min(1000, Math.max(10, pump.number.mps));
    const claim = () =>
      claimOutbound(db, {
        phoneNumberId: numberId,
        now: clock.now(),
        limit: batchSize,
        owner: workerId,
        leaseUntil: new Date(clock.nowMs() + (batchSize / pump.number.mps) * 4000 + 10_000),
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
      await releaseNumberLease(db, numberId, workerId).catch(() => undefined);
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
    for (const msg of batch) {
      if (halted() || yields(msg)) {
        run.pending.push({ kind: 'unsent', id: msg.id });
        continue;
      }
      const blocked = this.policyBlock(msg);
      if (blocked) {
        run.pending.push(blocked);
        continue;
      }
      while (run.inFlight.size >= maxInFlight) await Promise.race(run.inFlight);
      for (let wait = pump.pacer.delay(pacing.nowMs()); wait > 0; wait = pump.pacer.delay(pacing.nowMs())) {
        await new Promise<void>((resolve) => pacing.setTimer(wait, resolve));
      }
      // A throughput error may have paused the number while we waited for the slot, or a reply come in.
      if (halted() || yields(msg)) {
        run.pending.push({ kind: 'unsent', id: msg.id });
        continue;
      }
      pump.pacer.record(pacing.nowMs());
      const p: Promise<void> = this.sendOne(pump, token, msg).then((outcome) => {
        run.pending.push(outcome);
        run.inFlight.delete(p);
        if (run.pending.length >= 100) this.flush(run);
      });
      run.inFlight.add(p);
    }
    if (run.inFlight.size === 0 || preempted) this.flush(run);
    return preempted;
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
    const result = await this.deps.graph.sendMessage(
      { phoneNumberId: pump.number.phone_number_id, accessToken: token },
      body,
    );
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
 * How many sends of one number may be in flight at once: enough for 100 ms of latency at the number's rate —
 * and 250 ms above 200 mps, where a short stall of the event loop would otherwise cap the rate. The limit is
 * also back-pressure: when the API slows down, fewer requests pile up and arrive at Meta in a bunch.
 */
export function maxInFlightFor(mps: number): number {
  return Math.min(256, Math.max(4, Math.ceil(mps > 200 ? mps / 4 : mps / 10)));
}
