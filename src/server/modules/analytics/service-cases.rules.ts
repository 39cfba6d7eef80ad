/**
 * Service cases (pure): a conversation's history cut into the customer's requests, with their response and
 * resolution times in clock and business time. Definitions in docs/metrics.md § Service:
 * a case starts at a customer message when none is in progress, ends at the first resolution after it, and a
 * customer message after a resolution starts a new (reopened) case. Human replies are origin `agent` or `api`,
 * bot replies origin `automation`; campaign messages are not replies.
 */
import type { BusinessHours } from '../../../contracts/business-hours.schemas.ts';
import type { MessageDirection, MessageOrigin } from '../../db/types.ts';
import { businessMs } from './analytics-time.rules.ts';

/** One message of a conversation's history, as cases need it. */
export interface TimelineMessage {
  direction: MessageDirection;
  origin: MessageOrigin;
  authorUserId: string | null;
  at: Date;
  /** An outbound message that failed: never reached the customer, so it is no reply. */
  failed?: boolean;
}

/** A service case with its durations in milliseconds (null: not happened yet). */
export interface ServiceCase {
  seq: number;
  reopened: boolean;
  startedAt: Date;
  /** Who sent the first human reply: the agent the case belongs to. */
  agentId: string | null;
  firstResponseMs: number | null;
  firstResponseBusinessMs: number | null;
  firstAnyResponseMs: number | null;
  firstAnyResponseBusinessMs: number | null;
  /** Customer turns (the first message, and each customer message after a human reply). */
  turns: number;
  answeredTurns: number;
  responseMsTotal: number;
  responseBusinessMsTotal: number;
  humanReplies: number;
  botReplies: number;
  resolvedAt: Date | null;
  resolutionMs: number | null;
  resolutionBusinessMs: number | null;
}

const HUMAN: ReadonlySet<MessageOrigin> = new Set(['agent', 'api']);

type Event = { kind: 'message'; m: TimelineMessage } | { kind: 'resolved'; at: Date };

/**
 * Cuts a conversation's history into cases. `messages` and `resolutions` may come in any order; at the same
 * instant a message is taken before a resolution (it belongs to the case being resolved).
 */
export function cutCases(
  messages: readonly TimelineMessage[],
  resolutions: readonly Date[],
  hours: BusinessHours | null,
): ServiceCase[] {
  const events: Event[] = [
    ...messages.map((m): Event => ({ kind: 'message', m })),
    ...resolutions.map((at): Event => ({ kind: 'resolved', at })),
  ];
  const time = (e: Event) => (e.kind === 'message' ? e.m.at.getTime() : e.at.getTime());
  events.sort((a, b) => time(a) - time(b) || (a.kind === b.kind ? 0 : a.kind === 'message' ? -1 : 1));
  const span = (a: Date, b: Date) => ({ ms: b.getTime() - a.getTime(), business: businessMs(hours, a, b) });

  const cases: ServiceCase[] = [];
  let current: ServiceCase | null = null;
  let waitingSince: Date | null = null;
  for (const e of events) {
    if (e.kind === 'resolved') {
      if (current) {
        const d = span(current.startedAt, e.at);
        current.resolvedAt = e.at;
        current.resolutionMs = d.ms;
        current.resolutionBusinessMs = d.business;
        current = null;
        waitingSince = null;
      }
      continue;
    }
    const m = e.m;
    if (m.direction === 'inbound') {
      if (!current) {
        current = newCase(cases.length, m.at);
        cases.push(current);
      }
      if (!waitingSince) {
        waitingSince = m.at;
        current.turns++;
      }
      continue;
    }
    if (!current || m.failed) continue;
    if (m.origin === 'automation') {
      current.botReplies++;
      if (current.firstAnyResponseMs === null) {
        const d = span(current.startedAt, m.at);
        current.firstAnyResponseMs = d.ms;
        current.firstAnyResponseBusinessMs = d.business;
      }
    } else if (HUMAN.has(m.origin)) {
      current.humanReplies++;
      if (current.firstResponseMs === null) {
        const d = span(current.startedAt, m.at);
        current.firstResponseMs = d.ms;
        current.firstResponseBusinessMs = d.business;
        current.agentId = m.authorUserId;
        if (current.firstAnyResponseMs === null) {
          current.firstAnyResponseMs = d.ms;
          current.firstAnyResponseBusinessMs = d.business;
        }
      }
      if (waitingSince) {
        const d = span(waitingSince, m.at);
        current.answeredTurns++;
        current.responseMsTotal += d.ms;
        current.responseBusinessMsTotal += d.business;
        waitingSince = null;
      }
    }
  }
  return cases;
}

function newCase(seq: number, startedAt: Date): ServiceCase {
  return {
    seq,
    reopened: seq > 0,
    startedAt,
    agentId: null,
    firstResponseMs: null,
    firstResponseBusinessMs: null,
    firstAnyResponseMs: null,
    firstAnyResponseBusinessMs: null,
    turns: 0,
    answeredTurns: 0,
    responseMsTotal: 0,
    responseBusinessMsTotal: 0,
    humanReplies: 0,
    botReplies: 0,
    resolvedAt: null,
    resolutionMs: null,
    resolutionBusinessMs: null,
  };
}

/**
 * The p-quantile (0–1) of values with linear interpolation between closest ranks — PostgreSQL's
 * `percentile_cont`, so the pure twin and the SQL agree. Null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** The SLA verdict of one case against a first-response target, at `now`. */
export type SlaVerdict = 'met' | 'missed' | 'pending';

/**
 * Met when the first human reply came within the target; missed when it came later, or when the target has
 * passed without one; pending (left out of the attainment) while the target has not passed yet.
 * `waitedSoFarMs` is how long the case has waited at `now` (clock or business time, like the target).
 */
export function slaVerdict(
  firstResponseMs: number | null,
  waitedSoFarMs: number,
  targetMs: number,
): SlaVerdict {
  if (firstResponseMs !== null) return firstResponseMs <= targetMs ? 'met' : 'missed';
  return waitedSoFarMs > targetMs ? 'missed' : 'pending';
}

/** met / (met + missed), null when nothing is decided. */
export function slaAttainment(verdicts: readonly SlaVerdict[]): number | null {
  return slaRate(verdicts.filter((v) => v === 'met').length, verdicts.filter((v) => v === 'missed').length);
}

/** The attainment from counts of met and missed cases: met / (met + missed), null when both are 0. */
export function slaRate(met: number, missed: number): number | null {
  return met + missed > 0 ? met / (met + missed) : null;
}
