import { describe, expect, it } from 'vitest';
import type { MessageStatus } from '../../db/types.ts';
import {
  callbackDataFor,
  messageIdFromCallback,
  nextStatus,
  webhookStatusToMessageStatus,
} from './message-status.rules.ts';

const fold = (start: MessageStatus, incoming: MessageStatus[]) => incoming.reduce(nextStatus, start);

describe('status rules', () => {
  it('only moves forward: sent < delivered < read', () => {
    expect(fold('accepted', ['sent', 'delivered', 'read'])).toBe('read');
    expect(fold('accepted', ['read', 'delivered', 'sent'])).toBe('read');
    expect(fold('accepted', ['delivered', 'sent'])).toBe('delivered');
    expect(fold('sending', ['sent'])).toBe('sent');
  });

  it('reaches the same state whatever the arrival order', () => {
    const statuses: MessageStatus[] = ['sent', 'delivered', 'read', 'delivered', 'sent'];
    const orders = [
      statuses,
      [...statuses].reverse(),
      ['read', 'sent', 'delivered', 'sent', 'delivered'] as MessageStatus[],
    ];
    for (const order of orders) expect(fold('accepted', order)).toBe('read');
  });

  it('treats failed as terminal unless delivery is proven afterwards', () => {
    expect(fold('accepted', ['sent', 'failed'])).toBe('failed');
    expect(fold('accepted', ['failed', 'sent'])).toBe('failed');
    expect(fold('accepted', ['failed', 'delivered'])).toBe('delivered');
    expect(fold('accepted', ['failed', 'read'])).toBe('read');
    expect(fold('accepted', ['delivered', 'failed'])).toBe('delivered');
    expect(fold('accepted', ['read', 'failed'])).toBe('read');
  });

  it('never changes an inbound message', () => {
    expect(nextStatus('received', 'read')).toBe('received');
  });

  it('maps webhook statuses, counting played as read and ignoring unknown ones', () => {
    expect(webhookStatusToMessageStatus('played')).toBe('read');
    expect(webhookStatusToMessageStatus('deleted')).toBeNull();
    expect(webhookStatusToMessageStatus('in_orbit')).toBeNull();
  });

  it('round-trips our message id through biz_opaque_callback_data and ignores foreign values', () => {
    const id = '0195f3a2-7b1c-7d3e-9a4b-123456789abc';
    expect(messageIdFromCallback(callbackDataFor(id))).toBe(id);
    expect(messageIdFromCallback('my-tracker')).toBeNull();
    expect(messageIdFromCallback('tsg:not-a-uuid')).toBeNull();
    expect(messageIdFromCallback(null)).toBeNull();
  });
});
