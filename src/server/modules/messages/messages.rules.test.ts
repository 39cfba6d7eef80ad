import { describe, expect, it } from 'vitest';
import {
  isWindowOpen,
  laneFor,
  messagePreview,
  outboxNotice,
  parseOutboxNotice,
  requiresOpenWindow,
  windowExpiresAt,
} from './messages.rules.ts';

describe('the 24-hour customer service window', () => {
  const last = new Date('2026-03-01T10:00:00Z');
  it('is open for 24 hours after the customer’s last message, then closed', () => {
    expect(isWindowOpen(last, new Date('2026-03-02T09:59:59Z'))).toBe(true);
    expect(isWindowOpen(last, new Date('2026-03-02T10:00:00Z'))).toBe(false);
    expect(isWindowOpen(null, new Date('2026-03-01T10:00:01Z'))).toBe(false);
    expect(windowExpiresAt(last, new Date('2026-03-01T12:00:00Z'))?.toISOString()).toBe(
      '2026-03-02T10:00:00.000Z',
    );
    expect(windowExpiresAt(last, new Date('2026-03-03T00:00:00Z'))).toBeNull();
  });
  it('applies to everything but templates', () => {
    expect(requiresOpenWindow('template')).toBe(false);
    for (const t of ['text', 'image', 'interactive', 'reaction', 'location'])
      expect(requiresOpenWindow(t)).toBe(true);
  });
});

describe('message previews', () => {
  it('are one line of plain text for every type', () => {
    expect(messagePreview({ type: 'text', text: { body: 'こんにちは\n 元気？' } })).toBe('こんにちは 元気？');
    expect(messagePreview({ type: 'image', image: { id: '1', caption: '領収書' } })).toBe('領収書');
    expect(messagePreview({ type: 'image', image: { id: '1' } })).toBe('[image]');
    expect(messagePreview({ type: 'audio', audio: { id: '1', voice: true } })).toBe('[voice message]');
    expect(
      messagePreview({
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'a', title: 'はい' } },
      }),
    ).toBe('はい');
    expect(messagePreview({ type: 'reaction', reaction: { message_id: 'w', emoji: '👍' } })).toBe(
      'reacted 👍',
    );
    expect(messagePreview({ type: 'reaction', reaction: { message_id: 'w', emoji: '' } })).toBe(
      'removed a reaction',
    );
    expect(messagePreview({ type: 'template', template: { name: 'hello_world' } })).toBe(
      '[template: hello_world]',
    );
    expect(messagePreview({ type: 'mystery' })).toBe('[mystery]');
    expect(messagePreview({ type: 'text', text: { body: 'あ'.repeat(500) } })).toHaveLength(160);
  });
});

describe('outbox lanes', () => {
  it('campaigns are bulk; agents, API and automation are conversational', () => {
    expect(laneFor('campaign')).toBe('bulk');
    expect(laneFor('agent')).toBe('conversational');
    expect(laneFor('api')).toBe('conversational');
    expect(laneFor('automation')).toBe('conversational');
  });

  it('the outbox notice round-trips, and anything else is ignored', () => {
    const id = '0190f0a2-1111-7000-8000-000000000001';
    expect(parseOutboxNotice(outboxNotice(id, 'conversational'))).toEqual({
      lane: 'conversational',
      phoneNumberId: id,
    });
    expect(parseOutboxNotice(outboxNotice(id, 'bulk'))).toEqual({ lane: 'bulk', phoneNumberId: id });
    expect(parseOutboxNotice('')).toBeNull();
    expect(parseOutboxNotice('urgent:x')).toBeNull();
  });
});
