import { describe, expect, it } from 'vitest';
import { conversationChangeEvents } from './conversation-events.rules.ts';

const base = { id: 'c1', workspace_id: 'w1', status: 'open', assignee_id: null, team_id: null };
const at = new Date('2026-12-05T00:00:00Z');

describe('conversationChangeEvents', () => {
  it('says nothing when neither status, assignee nor team moved', () => {
    expect(conversationChangeEvents(base, { ...base }, at)).toEqual([]);
  });

  it('publishes a status change and an assignment, keyed by the time of the change', () => {
    const events = conversationChangeEvents(base, { ...base, status: 'resolved', assignee_id: 'u1' }, at);
    expect(events.map((e) => e.type)).toEqual(['conversation.status_changed', 'conversation.assigned']);
    expect(events[0]).toMatchObject({
      key: `c1:resolved:${at.getTime()}`,
      data: { status: 'resolved', previousStatus: 'open' },
    });
    expect(events[1]).toMatchObject({ data: { assigneeId: 'u1', teamId: null } });
  });

  it('treats an absent team on the new row as unchanged, and a team move as an assignment', () => {
    const { team_id: _omit, ...withoutTeam } = { ...base, team_id: 't1' };
    expect(conversationChangeEvents({ ...base, team_id: 't1' }, withoutTeam, at)).toEqual([]);
    const moved = conversationChangeEvents(base, { ...base, team_id: 't2' }, at);
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ type: 'conversation.assigned', data: { teamId: 't2' } });
  });
});
