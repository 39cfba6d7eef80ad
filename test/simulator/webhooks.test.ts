import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CUSTOMER,
  NUMBER,
  VERIFY_TOKEN,
  VERSION,
  messagesOf,
  startHarness,
  statusesOf,
  text,
} from './helpers.ts';
import type { Harness } from './helpers.ts';

let h: Harness;
afterEach(async () => {
  await h.close();
});

const idOf = (r: { body: Record<string, unknown> }) => (r.body.messages as { id: string }[])[0]?.id as string;

describe('webhook delivery', () => {
  it('signs the exact bytes and escapes non-ASCII as lowercase \\u escapes', async () => {
    h = await startHarness();
    await h.inbound(CUSTOMER, 'こんにちは 👋', '山田太郎');
    await h.server.sim.flush();
    const [hit] = h.receiver.hits;
    expect(hit?.verified).toBe(true);
    expect(hit?.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(hit?.raw).toMatch(/^[\x20-\x7e]*$/);
    expect(hit?.raw).toContain('\\u5c71\\u7530\\u592a\\u90ce');
    expect(hit?.raw).toContain('\\ud83d\\udc4b');
    const value = hit?.json.entry[0]?.changes[0]?.value;
    expect(value?.contacts).toEqual([{ profile: { name: '山田太郎' }, wa_id: CUSTOMER }]);
    expect(value?.messages).toEqual([
      {
        from: CUSTOMER,
        id: expect.stringMatching(/^wamid\./),
        timestamp: '1767571200',
        type: 'text',
        text: { body: 'こんにちは 👋' },
      },
    ]);
  });

  it('retries with exponential backoff on the clock when the receiver answers 500, resending the same bytes', async () => {
    h = await startHarness();
    h.receiver.respond = (_hit, i) => (i < 2 ? 500 : 200);
    await h.inbound();
    await h.server.sim.flush();
    expect(h.receiver.hits).toHaveLength(1);
    h.clock.advance(999);
    await h.server.sim.flush();
    expect(h.receiver.hits).toHaveLength(1);
    h.clock.advance(1);
    await h.server.sim.flush();
    expect(h.receiver.hits).toHaveLength(2);
    h.clock.advance(1999);
    await h.server.sim.flush();
    expect(h.receiver.hits).toHaveLength(2);
    h.clock.advance(1);
    await h.server.sim.flush();
    expect(h.receiver.hits).toHaveLength(3);
    expect(new Set(h.receiver.hits.map((x) => x.raw)).size).toBe(1);
    expect(h.server.sim.webhookStats()).toMatchObject({
      posts: 3,
      delivered: 1,
      failedAttempts: 2,
      dropped: 0,
    });
  });

  it('retries when the connection fails and drops after max attempts', async () => {
    h = await startHarness({ simulator: { webhookRetry: { baseMs: 100, maxAttempts: 3 } } });
    h.server.sim.setWebhookUrl('http://127.0.0.1:1/unreachable');
    await h.inbound();
    for (let i = 0; i < 5; i++) {
      await h.server.sim.flush();
      h.clock.advance(1000);
    }
    expect(h.server.sim.webhookStats()).toMatchObject({
      posts: 3,
      delivered: 0,
      failedAttempts: 3,
      dropped: 1,
    });
    expect(h.server.sim.webhookLog().map((e) => e.result)).toEqual(['error', 'error', 'error']);
  });

  it('keeps per-conversation order', async () => {
    h = await startHarness();
    for (let i = 0; i < 5; i++) await h.inbound(CUSTOMER, `m${i}`);
    await h.server.sim.flush();
    expect(messagesOf(h.receiver.hits).map((m) => (m.text as { body: string }).body)).toEqual([
      'm0',
      'm1',
      'm2',
      'm3',
      'm4',
    ]);
  });

  it('performs the GET verification handshake', async () => {
    h = await startHarness();
    const ok = await h.control('POST', '/webhook', { url: h.receiver.url, verifyToken: VERIFY_TOKEN });
    expect(ok.body).toEqual({ url: h.receiver.url, verified: true });
    const bad = await h.control('POST', '/webhook', { url: h.receiver.url, verifyToken: 'wrong' });
    expect(bad.body.verified).toBe(false);
  });

  it('drops webhooks (and logs them) when no URL is configured', async () => {
    h = await startHarness();
    h.server.sim.setWebhookUrl(undefined);
    await h.inbound();
    await h.server.sim.flush();
    expect(h.receiver.hits).toHaveLength(0);
    const log = await h.control('GET', '/webhooks');
    expect((log.body.deliveries as { result: string }[]).map((d) => d.result)).toEqual(['no_url']);
  });
});

describe('webhook faults', () => {
  it('duplicates deliveries at duplicateWebhookRate', async () => {
    h = await startHarness();
    expect((await h.control('POST', '/faults', { duplicateWebhookRate: 1, seed: 1 })).status).toBe(200);
    await h.inbound();
    await h.server.sim.flush();
    expect(h.receiver.hits).toHaveLength(2);
    expect(h.receiver.hits[0]?.raw).toBe(h.receiver.hits[1]?.raw);
  });

  it('batches updates of one WABA into a single POST with several changes and items', async () => {
    h = await startHarness({ statusDelaysMs: { sent: 100, delivered: 1000, read: null } });
    const second = { ...NUMBER, phoneNumberId: '200000000000001', displayPhoneNumber: '+1 555-000-0002' };
    await h.control('POST', '/numbers', second);
    await h.control('POST', '/faults', { batchSize: 50 });
    const tpl = { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } };
    for (let i = 0; i < 4; i++) await h.send({ messaging_product: 'whatsapp', to: `1650555000${i}`, ...tpl });
    await h.graph('POST', `/${VERSION}/${second.phoneNumberId}/messages`, {
      messaging_product: 'whatsapp',
      to: CUSTOMER,
      ...tpl,
    });
    h.clock.advance(100);
    await h.server.sim.flush();
    expect(h.receiver.hits).toHaveLength(1);
    const changes = h.receiver.hits[0]?.json.entry[0]?.changes ?? [];
    expect(
      changes.map((c) => [
        (c.value.metadata as { phone_number_id: string }).phone_number_id,
        (c.value.statuses as unknown[]).length,
      ]),
    ).toEqual([
      [NUMBER.phoneNumberId, 4],
      [second.phoneNumberId, 1],
    ]);
    expect(h.receiver.hits[0]?.verified).toBe(true);
  });

  it('reorders deliveries that are ready together, reproducibly from the seed', async () => {
    const run = async () => {
      // One POST at a time, so arrival order is the order the queue chose.
      h = await startHarness({
        statusDelaysMs: { sent: 100, delivered: 1000, read: null },
        simulator: { webhookConcurrency: 1 },
      });
      await h.control('POST', '/faults', { reorderWebhooks: true, seed: 42 });
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        ids.push(
          idOf(
            await h.send({
              messaging_product: 'whatsapp',
              to: `1650555100${i}`,
              type: 'template',
              template: { name: 'hello_world', language: { code: 'en_US' } },
            }),
          ),
        );
      }
      h.clock.advance(100);
      await h.server.sim.flush();
      const order = statusesOf(h.receiver.hits).map((s) => ids.indexOf(s.id as string));
      await h.close();
      return order;
    };
    const first = await run();
    expect([...first].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(first).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await run()).toEqual(first);
    h = await startHarness();
  });

  it('holds a reorder window and can deliver read before delivered', async () => {
    h = await startHarness();
    await h.control('POST', '/faults', { reorderWebhooks: true, reorderWindowMs: 5000, seed: 3 });
    await h.inbound();
    h.receiver.hits.length = 0;
    await h.send(text(CUSTOMER));
    h.clock.advance(4000);
    await h.server.sim.flush();
    expect(h.receiver.hits).toHaveLength(0);
    h.clock.advance(1000);
    await h.server.sim.flush();
    expect(
      statusesOf(h.receiver.hits)
        .map((s) => s.status)
        .sort(),
    ).toEqual(['delivered', 'read', 'sent']);
  });

  it('drops chosen statuses; pricing then rides on read', async () => {
    h = await startHarness();
    await h.control('POST', '/faults', { dropStatuses: ['delivered'] });
    await h.inbound();
    h.receiver.hits.length = 0;
    await h.send(text(CUSTOMER));
    h.clock.advance(3000);
    await h.server.sim.flush();
    const statuses = statusesOf(h.receiver.hits);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'read']);
    expect(statuses[1]?.pricing).toBeDefined();
  });

  it('injects server errors at errorRate with the code table status or a forced one', async () => {
    h = await startHarness();
    await h.control('POST', '/faults', { errorRate: 1, errorCodes: [133004], seed: 9 });
    const r = await h.send(text(CUSTOMER));
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ error: { code: 133004 } });
    await h.control('POST', '/faults', { errorRate: 1, errorCodes: [131000], errorStatus: 502 });
    expect((await h.send(text(CUSTOMER))).status).toBe(502);
    expect((await h.control('GET', '/faults')).body).toMatchObject({ errorRate: 1, errorStatus: 502 });
    expect((await h.control('DELETE', '/faults')).body).toMatchObject({ errorRate: 0 });
    expect((await h.send(text(CUSTOMER))).status).toBe(200);
    expect(h.server.sim.sent()).toHaveLength(1);
    expect((await h.control('POST', '/faults', { errorRate: 2 })).status).toBe(400);
    expect((await h.control('POST', '/faults', { latencyMS: 5 })).status).toBe(400);
  });

  it('adds latency on the clock to Graph responses', async () => {
    h = await startHarness();
    await h.control('POST', '/faults', { latencyMs: 2000 });
    const before = h.clock.pendingTimers();
    let done = false;
    const pending = h.send(text(CUSTOMER)).then((r) => {
      done = true;
      return r;
    });
    await vi.waitFor(() => expect(h.clock.pendingTimers()).toBe(before + 1));
    h.clock.advance(1999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    h.clock.advance(1);
    expect((await pending).status).toBe(200);
  });
});
