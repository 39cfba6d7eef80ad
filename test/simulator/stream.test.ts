import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CUSTOMER, NUMBER, startHarness, text } from './helpers.ts';
import type { Harness } from './helpers.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** Reads `event:`/`data:` pairs from an SSE response until `count` arrived. */
async function readEvents(
  res: Response,
  count: number,
): Promise<Array<{ event: string; data: Record<string, unknown> }>> {
  const out: Array<{ event: string; data: Record<string, unknown> }> = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  while (out.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let i;
    while ((i = buffer.indexOf('\n\n')) >= 0) {
      const chunk = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      const event = /^event: (.*)$/m.exec(chunk)?.[1];
      const data = /^data: (.*)$/m.exec(chunk)?.[1];
      if (event && data) out.push({ event, data: JSON.parse(data) as Record<string, unknown> });
    }
  }
  await reader.cancel();
  return out;
}

describe('control stream (the phone page feed)', () => {
  it('streams messages both ways, statuses, the business reading and typing, filtered by customer', async () => {
    const unauthorized = await fetch(
      `${h.server.url}/control/stream?phoneNumberId=${NUMBER.phoneNumberId}&customer=${CUSTOMER}`,
    );
    expect(unauthorized.status).toBe(401);
    // EventSource cannot send headers: the stream also takes the token as `?token=`.
    const res = await fetch(
      `${h.server.url}/control/stream?phoneNumberId=${NUMBER.phoneNumberId}&customer=${CUSTOMER}&token=${h.server.controlToken}`,
    );
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = readEvents(res, 6);
    await h.inbound('819000000001', 'someone else'); // filtered out
    const wamid = await h.inbound(CUSTOMER, 'こんにちは');
    await h.send(text(CUSTOMER, 'いらっしゃいませ'));
    await h.send({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: wamid,
      typing_indicator: { type: 'text' },
    });
    h.clock.advance(1000);
    const got = await events;
    expect(got.map((e) => e.event)).toEqual(['message', 'message', 'status', 'read', 'typing', 'status']);
    expect(got[0]!.data).toMatchObject({
      customer: CUSTOMER,
      message: { direction: 'inbound', type: 'text' },
    });
    expect(got[1]!.data).toMatchObject({
      message: { direction: 'outbound', message: { text: { body: 'いらっしゃいませ' } } },
    });
    expect(got[2]!.data).toMatchObject({ kind: 'status', status: 'sent' });
    expect(got[3]!.data).toMatchObject({ kind: 'read', wamid });
    expect(got[5]!.data).toMatchObject({ kind: 'status', status: 'delivered' });
  });
});
