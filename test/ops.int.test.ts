import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTsunagi, type RunningTsunagi } from './support/tsunagi.ts';
import { createTestApp, type TestApp } from './support/app.ts';

describe('operations endpoints', () => {
  let s: RunningTsunagi;
  beforeAll(async () => {
    s = await startTestTsunagi();
  });
  afterAll(async () => s?.close());

  it('answers health and readiness', async () => {
    expect((await fetch(`${s.t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${s.t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { status: string }).status).toBe('ready');
  });

  it('exposes the pipeline metrics in Prometheus format', async () => {
    const number = await s.addNumber({ phoneNumberId: '100000000000501' });
    s.t.simulator!.inbound({
      phoneNumberId: number.phoneNumberId,
      from: '819088880001',
      name: 'M',
      message: { type: 'text', text: { body: 'metrics' } },
    });
    await s.t.simulator!.flush();
    let text = await (await fetch(`${s.t.url}/metrics`)).text();
    expect(text).toMatch(/^tsunagi_ingest_backlog 1$/m);
    await s.t.drain();
    text = await (await fetch(`${s.t.url}/metrics`)).text();
    for (const name of [
      'tsunagi_webhook_events_total',
      'tsunagi_inbound_messages_total',
      'tsunagi_outbound_messages_total',
      'tsunagi_dispatch_queue_depth',
      'tsunagi_ingest_lag_seconds',
      'tsunagi_webhook_ack_seconds_bucket',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/^tsunagi_inbound_messages_total 1$/m);
    expect(text).toMatch(/^tsunagi_webhook_events_total\{result="journaled"\} 1$/m);
    expect(text).toMatch(/^tsunagi_ingest_backlog 0$/m);
  });

  it('answers the webhook verification handshake only with the right token', async () => {
    const q = (token: string) =>
      `${s.t.url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${token}`;
    const ok = await fetch(q(s.t.ctx.verifyToken!));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await fetch(q('wrong'))).status).toBe(403);
  });

  it('serves metrics without a token when TSUNAGI_METRICS_TOKEN is unset', async () => {
    expect((await fetch(`${s.t.url}/metrics`)).status).toBe(200);
  });
});

describe('the metrics token', () => {
  let t: TestApp;
  const token = 'metrics-token-0123456789';
  beforeAll(async () => {
    t = await createTestApp({ env: { TSUNAGI_METRICS_TOKEN: token } });
  });
  afterAll(async () => t?.close());

  it('is required as a Bearer token when TSUNAGI_METRICS_TOKEN is set', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect(none.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    const wrong = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}x` },
    });
    expect(wrong.statusCode).toBe(401);
    const ok = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('tsunagi_ingest_backlog');
  });

  it('leaves health and readiness open', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});
