import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDto, MessageDto } from '../../src/contracts/api.schemas.ts';
import { Arrivals } from '../support/arrivals.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

type StreamEvent = { event: string; data: Record<string, unknown> };

/** Reads Server-Sent Events from a streaming response as they arrive. */
function collectEvents(res: Response): { events: Arrivals<StreamEvent>; stop: () => void } {
  const events = new Arrivals<StreamEvent>();
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let stopped = false;
  void (async () => {
    while (!stopped) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let idx;
      while ((idx = buffer.indexOf('\n\n')) >= 0) {
        const chunk = buffer.slice(0, idx);
        buffer = buffer.slice(idx + 2);
        const event = /^event: (.*)$/m.exec(chunk)?.[1];
        const data = /^data: (.*)$/m.exec(chunk)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
      }
    }
  })();
  return {
    events,
    stop: () => {
      stopped = true;
      void reader.cancel().catch(() => undefined);
    },
  };
}

describe('a customer conversation through the simulator', () => {
  let s: RunningTsunagi;
  beforeAll(async () => {
    s = await startTestTsunagi();
  });
  afterAll(async () => s?.close());

  it('creates a contact and conversation, streams events, delivers a reply to read, and refuses free-form after 24 h', async () => {
    const number = await s.addNumber({ phoneNumberId: '100000000000101' });
    const stream = await fetch(`${s.t.url}/api/v1/events`, { headers: s.auth });
    expect(stream.status).toBe(200);
    const sse = collectEvents(stream);
    try {
      const sim = s.t.simulator!;
      sim.inbound({
        phoneNumberId: number.phoneNumberId,
        from: '819011112222',
        name: '山田 太郎',
        message: { type: 'text', text: { body: 'こんにちは、在庫はありますか？ 🙏' } },
      });
      await s.t.drain();

      const list = await s.api<{ data: ConversationDto[] }>('GET', '/api/v1/conversations');
      expect(list.status).toBe(200);
      expect(list.body.data).toHaveLength(1);
      const conv = list.body.data[0]!;
      expect(conv.contact?.profileName).toBe('山田 太郎');
      expect(conv.contact?.waId).toBe('819011112222');
      expect(conv.lastMessagePreview).toBe('こんにちは、在庫はありますか？ 🙏');
      expect(conv.windowOpen).toBe(true);
      await sse.events.waitFor(
        (events) => events.some((e) => e.event === 'message.created' && e.data.direction === 'inbound'),
        'inbound message.created',
      );

      const sent = await s.api<MessageDto>('POST', `/api/v1/conversations/${conv.id}/messages`, {
        type: 'text',
        text: { body: 'はい、ございます！' },
      });
      expect(sent.status).toBe(202);
      expect(sent.body.status).toBe('queued');
      await s.t.drain();
      const accepted = sim.sent({ phoneNumberId: number.phoneNumberId, to: '819011112222' });
      expect(accepted).toHaveLength(1);
      expect(accepted[0]!.body).toMatchObject({
        type: 'text',
        text: { body: 'はい、ございます！' },
        biz_opaque_callback_data: `tsg:${sent.body.id}`,
      });

      s.clock.advance(1000);
      await s.t.drain();
      s.clock.advance(1000);
      await s.t.drain();
      const after = await s.api<MessageDto>('GET', `/api/v1/messages/${sent.body.id}`);
      expect(after.body.status).toBe('read');
      expect(after.body.wamid).toBe(accepted[0]!.wamid);
      expect(after.body.timestamps.sent).not.toBeNull();
      expect(after.body.timestamps.delivered).not.toBeNull();
      expect(after.body.timestamps.read).not.toBeNull();
      await sse.events.waitFor(
        (events) =>
          events.some(
            (e) => e.event === 'message.updated' && e.data.id === sent.body.id && e.data.status === 'read',
          ),
        'read status event',
      );

      s.clock.advance(24 * 3600 * 1000 + 1000);
      const late = await s.api<{ error: { code: string; details: { hint: string } } }>(
        'POST',
        `/api/v1/conversations/${conv.id}/messages`,
        { type: 'text', text: { body: 'まだいますか？' } },
      );
      expect(late.status).toBe(422);
      expect(late.body.error.code).toBe('window_closed');

      const template = await s.api<MessageDto>('POST', `/api/v1/conversations/${conv.id}/messages`, {
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      });
      expect(template.status).toBe(202);
      await s.t.drain();
      expect(sim.sent({ phoneNumberId: number.phoneNumberId })).toHaveLength(2);
      expect(sim.violations()).toEqual([]);
    } finally {
      sse.stop();
    }
  });
});
