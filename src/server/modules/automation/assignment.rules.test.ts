import { describe, expect, it } from 'vitest';
import {
  chooseAgent,
  expectedWaitMinutes,
  isAvailable,
  unreadTimedOut,
  type Candidate,
} from './assignment.rules.ts';

const now = new Date('2026-03-03T02:00:00Z');
const agent = (userId: string, over: Partial<Candidate> = {}): Candidate => ({
  userId,
  availability: 'online',
  lastSeenAt: new Date(now.getTime() - 30_000),
  capacity: 5,
  openCount: 0,
  lastAssignedAt: null,
  ...over,
});

describe('chooseAgent', () => {
  it('round robin gives the conversation to the agent assigned longest ago, never-assigned first', () => {
    const candidates = [
      agent('a', { lastAssignedAt: new Date('2026-03-03T01:59:00Z') }),
      agent('b', { lastAssignedAt: new Date('2026-03-03T01:00:00Z') }),
      agent('c', { lastAssignedAt: new Date('2026-03-03T01:30:00Z') }),
    ];
    expect(chooseAgent({ strategy: 'round_robin', candidates, now })).toBe('b');
    expect(chooseAgent({ strategy: 'round_robin', candidates: [...candidates, agent('d')], now })).toBe('d');
  });

  it('least open picks the lightest load, then round robin', () => {
    const candidates = [
      agent('a', { openCount: 3 }),
      agent('b', { openCount: 1 }),
      agent('c', { openCount: 1, lastAssignedAt: now }),
    ];
    expect(chooseAgent({ strategy: 'least_open', candidates, now })).toBe('b');
  });

  it('skips agents who are away, offline, silent for over 2 minutes, or at capacity', () => {
    const candidates = [
      agent('away', { availability: 'away' }),
      agent('offline', { availability: 'offline' }),
      agent('stale', { lastSeenAt: new Date(now.getTime() - 121_000) }),
      agent('full', { openCount: 5 }),
    ];
    expect(chooseAgent({ strategy: 'round_robin', candidates, now })).toBeNull();
    expect(candidates.map((c) => isAvailable(c, now))).toEqual([false, false, false, false]);
    expect(chooseAgent({ strategy: 'round_robin', candidates: [...candidates, agent('ok')], now })).toBe(
      'ok',
    );
  });

  it('keeps a returning customer with their last agent when available, and never picks an excluded agent', () => {
    const candidates = [agent('a'), agent('b', { openCount: 4 })];
    expect(chooseAgent({ strategy: 'least_open', candidates, now, sticky: 'b' })).toBe('b');
    expect(
      chooseAgent({
        strategy: 'least_open',
        candidates: [agent('a'), agent('b', { availability: 'offline' })],
        now,
        sticky: 'b',
      }),
    ).toBe('a');
    expect(chooseAgent({ strategy: 'round_robin', candidates, now, sticky: 'a', exclude: ['a'] })).toBe('b');
    expect(chooseAgent({ strategy: 'manual', candidates, now })).toBeNull();
  });
});

describe('expectedWaitMinutes and unreadTimedOut', () => {
  it('shares the queue among available agents; null when nobody is available', () => {
    expect(expectedWaitMinutes({ queued: 0, availableAgents: 2, averageHandleMinutes: 6 })).toBe(1);
    expect(expectedWaitMinutes({ queued: 4, availableAgents: 2, averageHandleMinutes: 6 })).toBe(12);
    expect(expectedWaitMinutes({ queued: 4, availableAgents: 0, averageHandleMinutes: 6 })).toBeNull();
  });

  it('times out only when the assignee has not opened the message since it arrived', () => {
    const messageAt = new Date(now.getTime() - 120_000);
    expect(unreadTimedOut({ messageAt, assigneeReadAt: null, now, timeoutMs: 120_000 })).toBe(true);
    expect(unreadTimedOut({ messageAt, assigneeReadAt: null, now, timeoutMs: 121_000 })).toBe(false);
    expect(
      unreadTimedOut({
        messageAt,
        assigneeReadAt: new Date(messageAt.getTime() + 1),
        now,
        timeoutMs: 120_000,
      }),
    ).toBe(false);
    expect(
      unreadTimedOut({
        messageAt,
        assigneeReadAt: new Date(messageAt.getTime() - 1),
        now,
        timeoutMs: 120_000,
      }),
    ).toBe(true);
    expect(unreadTimedOut({ messageAt, assigneeReadAt: null, now, timeoutMs: 0 })).toBe(false);
  });
});
