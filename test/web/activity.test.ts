import { describe, expect, it } from 'vitest';
import { activityTarget } from '../../src/web/features/conversation/activity.ts';
import type { Activity, Team, User } from '../../src/web/lib/types.ts';

const t = (k: string) => `t:${k}`;
const activity = (kind: Activity['kind'], data: Record<string, unknown>): Activity => ({
  id: 'a1',
  conversationId: 'c1',
  kind,
  authorUserId: 'u1',
  body: null,
  data,
  createdAt: '2026-03-02T12:00:00Z',
});
const users: User[] = [
  {
    id: 'u2',
    email: 'agent@example.com',
    name: 'Agent',
    role: 'agent',
    deactivatedAt: null,
    availability: 'online',
    online: true,
    lastSeenAt: null,
  },
];
const teams: Team[] = [{ id: 'team-1', name: 'サポート班', memberIds: [] }];

describe('activity line targets', () => {
  it('names the team a conversation moved to from the stored team id', () => {
    expect(activityTarget(activity('team', { from: null, to: 'team-1' }), { users, teams }, t)).toBe(
      'サポート班',
    );
  });

  it('is empty when the team was removed, and "…" for a team that no longer exists', () => {
    expect(activityTarget(activity('team', { from: 'team-1', to: null }), { users, teams }, t)).toBe('');
    expect(activityTarget(activity('team', { from: null, to: 'gone' }), { users, teams }, t)).toBe('…');
  });

  it('names assignees and translates statuses and priorities', () => {
    expect(activityTarget(activity('assigned', { from: null, to: 'u2' }), { users, teams }, t)).toBe('Agent');
    expect(activityTarget(activity('status', { from: 'open', to: 'snoozed' }), { users, teams }, t)).toBe(
      't:status.snoozed',
    );
    expect(activityTarget(activity('priority', { to: 'high' }), { users, teams }, t)).toBe('t:priority.high');
  });
});
