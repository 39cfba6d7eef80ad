import { describe, expect, it } from 'vitest';
import {
  countMessages,
  describeErrorCode,
  isReplied,
  messageOutcome,
  messagingRates,
  type MessageFacts,
} from './message-outcome.rules.ts';

const out = (
  status: MessageFacts['status'],
  history: string[],
  wamid: string | null = 'wamid.x',
): MessageFacts => ({
  direction: 'outbound',
  status,
  wamid,
  history,
});

describe('message outcome rules', () => {
  it('derives the same outcome from statuses in any order or repeated', () => {
    const orderly = messageOutcome(out('read', ['sent', 'delivered', 'read']));
    expect(orderly).toEqual({ sent: true, delivered: true, read: true, failed: false });
    expect(messageOutcome(out('read', ['read', 'sent', 'read', 'delivered']))).toEqual(orderly);
    // A read without any delivered webhook was delivered.
    expect(messageOutcome(out('read', ['read']))).toEqual(orderly);
    // Current status only, no history (rows written by the demo seed): the status is a fact too.
    expect(messageOutcome(out('read', []))).toEqual(orderly);
  });

  it('lets a delivered or read proof win over a failure, whichever came first', () => {
    expect(messageOutcome(out('delivered', ['failed', 'delivered']))).toEqual({
      sent: true,
      delivered: true,
      read: false,
      failed: false,
    });
    expect(messageOutcome(out('failed', ['sent', 'failed']))).toEqual({
      sent: true,
      delivered: false,
      read: false,
      failed: true,
    });
    // Refused by the Graph API before acceptance: failed, never sent.
    expect(messageOutcome(out('failed', [], null))).toEqual({
      sent: false,
      delivered: false,
      read: false,
      failed: true,
    });
    expect(messageOutcome(out('queued', [], null))).toEqual({
      sent: false,
      delivered: false,
      read: false,
      failed: false,
    });
    expect(messageOutcome({ direction: 'inbound', status: 'received', wamid: 'w', history: [] }).sent).toBe(
      false,
    );
  });

  it('counts a reply when the customer writes after the message and within 24 hours', () => {
    const sent = new Date('2026-12-01T10:00:00Z');
    expect(isReplied(sent, [new Date('2026-12-02T09:59:00Z')])).toBe(true);
    expect(isReplied(sent, [new Date('2026-12-02T10:00:00Z')])).toBe(true);
    expect(isReplied(sent, [new Date('2026-12-02T10:00:01Z')])).toBe(false);
    expect(isReplied(sent, [new Date('2026-12-01T09:00:00Z'), sent])).toBe(false);
  });

  it('counts a hand-built day: 5 sent, 4 delivered, 2 read, 2 failed (one refused), 2 replied, 2 inbound', () => {
    const t = (hhmm: string) => new Date(`2026-12-01T${hhmm}:00Z`);
    const c1 = 'c1';
    const c2 = 'c2';
    const msgs = [
      { ...out('read', ['delivered', 'read', 'sent']), occurredAt: t('01:00'), conversationId: c1 }, // read, replied
      { ...out('delivered', ['sent', 'delivered', 'delivered']), occurredAt: t('01:10'), conversationId: c1 }, // delivered, replied
      { ...out('read', ['read']), occurredAt: t('02:00'), conversationId: c2 }, // read; the reply came before it
      { ...out('delivered', ['failed', 'delivered']), occurredAt: t('03:00'), conversationId: c2 }, // delivered
      { ...out('failed', ['failed']), occurredAt: t('04:00'), conversationId: c2 }, // sent, failed
      { ...out('failed', [], null), occurredAt: t('05:00'), conversationId: c2 }, // refused: failed, not sent
      { ...out('queued', [], null), occurredAt: t('06:00'), conversationId: c2 }, // nothing yet
      {
        direction: 'inbound' as const,
        status: 'received' as const,
        wamid: 'in1',
        history: [],
        occurredAt: t('01:30'),
        conversationId: c1,
      },
      {
        direction: 'inbound' as const,
        status: 'received' as const,
        wamid: 'in2',
        history: [],
        occurredAt: t('01:59'),
        conversationId: c2,
      },
    ];
    const counts = countMessages(msgs);
    expect(counts).toEqual({ sent: 5, delivered: 4, read: 2, failed: 2, replied: 2, inbound: 2 });
    expect(messagingRates(counts)).toEqual({ deliveryRate: 4 / 5, readRate: 2 / 4, replyRate: 2 / 4 });
    expect(messagingRates({ ...counts, sent: 0, delivered: 0 }).deliveryRate).toBeNull();
  });

  it('describes Graph error codes with their meaning and category', () => {
    expect(describeErrorCode(131047)).toEqual({ title: 'Re-engagement message', category: 'policy' });
    expect(describeErrorCode(131026)).toEqual({ title: 'Message undeliverable', category: 'policy' });
    expect(describeErrorCode(null).category).toBeNull();
  });
});
