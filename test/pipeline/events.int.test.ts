import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeEvent } from '../../src/contracts/realtime.schemas.ts';
import type { DatabaseHandle } from '../../src/server/db/connect.ts';
import { EVENTS_CHANNEL, publishEvents } from '../../src/server/events.ts';
import { Arrivals } from '../support/arrivals.ts';
import { createTestDatabase } from '../support/db.ts';

describe('realtime event publishing', () => {
  let h: DatabaseHandle;
  beforeAll(async () => {
    h = await createTestDatabase();
  });
  afterAll(async () => h?.close());

  it('splits a large burst of Japanese events into NOTIFY payloads under 8000 bytes and loses none', async () => {
    const received = new Arrivals<RealtimeEvent>();
    const unlisten = await h.listen(EVENTS_CHANNEL, (p) =>
      received.push(...(JSON.parse(p) as RealtimeEvent[])),
    );
    const preview = 'ご注文の商品が届きません。確認していただけますか？'.repeat(4).slice(0, 160);
    const events: RealtimeEvent[] = Array.from({ length: 600 }, (_, i) => ({
      type: 'message.created',
      workspaceId: '0195f3a2-7b1c-7d3e-9a4b-123456789abc',
      data: {
        id: `m${i}`,
        conversationId: 'c',
        direction: 'inbound',
        type: 'text',
        status: 'received',
        wamid: `wamid.${i}`,
        preview,
      },
    }));
    await h.db.transaction().execute((tx) => publishEvents(tx, events));
    // Delivered through the listener connection.
    await received.waitFor((items) => items.length >= events.length, `${events.length} events`);
    await unlisten();
    expect(received.items.map((e) => e.data.id)).toEqual(events.map((e) => e.data.id));
  });
});
