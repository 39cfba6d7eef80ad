import { describe, expect, it } from 'vitest';
import { BusinessHoursSchema } from '../../../contracts/business-hours.schemas.ts';
import type { MessageOrigin } from '../../db/types.ts';
import {
  cutCases,
  percentile,
  slaAttainment,
  slaVerdict,
  type TimelineMessage,
} from './service-cases.rules.ts';

const M = 60_000;
const H = 60 * M;
const at = (iso: string) => new Date(iso);
const customer = (iso: string): TimelineMessage => ({
  direction: 'inbound',
  origin: 'customer',
  authorUserId: null,
  at: at(iso),
});
const ours = (iso: string, origin: MessageOrigin, authorUserId: string | null = null): TimelineMessage => ({
  direction: 'outbound',
  origin,
  authorUserId,
  at: at(iso),
});

describe('service cases', () => {
  const history = [
    customer('2026-12-01T01:00:00Z'),
    ours('2026-12-01T01:00:05Z', 'automation'),
    ours('2026-12-01T01:10:00Z', 'agent', 'u1'),
    customer('2026-12-01T01:20:00Z'),
    customer('2026-12-01T01:21:00Z'),
    ours('2026-12-01T01:25:00Z', 'agent', 'u2'),
    // resolved at 02:00; the customer writes again at 03:00 (reopened) and u2 answers at 03:30, resolved 04:00
    customer('2026-12-01T03:00:00Z'),
    ours('2026-12-01T03:30:00Z', 'agent', 'u2'),
  ];
  const resolutions = [at('2026-12-01T02:00:00Z'), at('2026-12-01T04:00:00Z')];

  it('measures first response, response and resolution times, and cuts a new case when a conversation reopens', () => {
    const cases = cutCases(history, resolutions, null);
    expect(cases).toHaveLength(2);
    expect(cases[0]).toMatchObject({
      seq: 0,
      reopened: false,
      agentId: 'u1',
      firstResponseMs: 10 * M,
      firstAnyResponseMs: 5000,
      turns: 2,
      answeredTurns: 2,
      // 10 min for the first turn, 5 min (01:20 → 01:25) for the second
      responseMsTotal: 15 * M,
      humanReplies: 2,
      botReplies: 1,
      resolvedAt: at('2026-12-01T02:00:00Z'),
      resolutionMs: 60 * M,
    });
    expect(cases[1]).toMatchObject({
      seq: 1,
      reopened: true,
      startedAt: at('2026-12-01T03:00:00Z'),
      agentId: 'u2',
      firstResponseMs: 30 * M,
      resolutionMs: 60 * M,
    });
  });

  it('gives the same cases whatever order the facts are read in', () => {
    const shuffled = [...history].reverse();
    expect(cutCases(shuffled, [...resolutions].reverse(), null)).toEqual(
      cutCases(history, resolutions, null),
    );
  });

  it('starts no case for our messages alone, ignores a resolution without a case and failed replies, and keeps an open case open', () => {
    const cases = cutCases(
      [
        ours('2026-12-01T00:00:00Z', 'campaign'),
        customer('2026-12-01T05:00:00Z'),
        ours('2026-12-01T05:01:00Z', 'campaign'),
        { ...ours('2026-12-01T05:02:00Z', 'agent', 'u1'), failed: true },
      ],
      [at('2026-12-01T00:30:00Z')],
      null,
    );
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      firstResponseMs: null,
      firstAnyResponseMs: null,
      humanReplies: 0,
      botReplies: 0,
      resolvedAt: null,
      turns: 1,
      answeredTurns: 0,
    });
  });

  it('counts a case fully handled by automation: bot replies, no human, resolved', () => {
    const [c] = cutCases(
      [customer('2026-12-01T01:00:00Z'), ours('2026-12-01T01:00:03Z', 'automation')],
      [at('2026-12-01T01:05:00Z')],
      null,
    );
    expect(c).toMatchObject({
      humanReplies: 0,
      botReplies: 1,
      firstAnyResponseMs: 3000,
      firstResponseMs: null,
    });
  });

  it('measures in business time: a Friday 22:00 message answered Monday 10:05 (Tokyo, 10–19) is 5 minutes', () => {
    const hours = BusinessHoursSchema.parse({
      timeZone: 'Asia/Tokyo',
      weekly: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ open: '10:00', close: '19:00' }]]),
      ),
    });
    const [c] = cutCases(
      [customer('2026-12-04T13:00:00Z'), ours('2026-12-07T01:05:00Z', 'agent', 'u1')],
      [at('2026-12-07T02:00:00Z')],
      hours,
    );
    expect(c).toMatchObject({
      firstResponseMs: 60 * H + 5 * M,
      firstResponseBusinessMs: 5 * M,
      resolutionMs: 61 * H,
      resolutionBusinessMs: H,
      responseBusinessMsTotal: 5 * M,
    });
  });

  it('computes percentiles like percentile_cont and SLA attainment over decided cases', () => {
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7);
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
    const target = 15 * M;
    const verdicts = [
      slaVerdict(10 * M, 0, target), // met
      slaVerdict(15 * M, 0, target), // met (at the target)
      slaVerdict(16 * M, 0, target), // missed
      slaVerdict(null, 20 * M, target), // missed: waited past the target without a reply
      slaVerdict(null, 5 * M, target), // pending: left out
    ];
    expect(verdicts).toEqual(['met', 'met', 'missed', 'missed', 'pending']);
    expect(slaAttainment(verdicts)).toBe(0.5);
    expect(slaAttainment(['pending'])).toBeNull();
  });
});
