import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/lib/clock.ts';
import { Simulator, registerSimulatorRoutes } from '../../src/simulator/index.ts';
import { APP_SECRET, CUSTOMER, NUMBER } from './helpers.ts';

/** The simulator mounted inside a host app (embedded mode), driven with inject: no listen, no leaks. */
let app: FastifyInstance;
let sim: Simulator;
const CONTROL_TOKEN = 'simctl_test-control-token';
const control = { authorization: `Bearer ${CONTROL_TOKEN}` };

beforeAll(async () => {
  app = Fastify();
  // The host keeps raw bytes for webhook signature checks: its own JSON parser must survive the simulator.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
    done(null, { raw: body }),
  );
  app.setErrorHandler((_err, _req, reply) => reply.status(418).send({ host: true }));
  app.post('/webhooks/whatsapp', async (req) => ({ got: req.body }));
  sim = new Simulator({
    clock: new FakeClock(),
    appSecret: APP_SECRET,
    publicBaseUrl: 'https://tsunagi.example/simulator/graph',
  });
  sim.registerNumber(NUMBER);
  await registerSimulatorRoutes(app, sim, {
    graphPrefix: '/simulator/graph',
    controlPrefix: '/simulator/control',
    controlToken: CONTROL_TOKEN,
    webhookUrlAllowed: (u) => u.origin === 'https://tsunagi.example',
  });
  await app.ready();
});
afterAll(async () => {
  await sim.close();
  await app.close();
});

const auth = { authorization: `Bearer ${NUMBER.accessToken}` };

describe('embedded simulator routes', () => {
  it('serve the Graph API under the prefix with their own JSON parsing', async () => {
    await sim.inbound({
      phoneNumberId: NUMBER.phoneNumberId,
      from: CUSTOMER,
      message: { type: 'text', text: { body: 'hi' } },
    });
    const r = await app.inject({
      method: 'POST',
      url: `/simulator/graph/v23.0/${NUMBER.phoneNumberId}/messages`,
      headers: auth,
      payload: { messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: { body: 'hello' } },
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['x-fb-trace-id']).toBeDefined();
    expect(sim.sent()).toHaveLength(1);
    const bad = await app.inject({
      method: 'POST',
      url: `/simulator/graph/v23.0/${NUMBER.phoneNumberId}/messages`,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{',
    });
    expect(bad.json()).toMatchObject({ error: { code: 100 } });
    const missing = await app.inject({ method: 'GET', url: '/simulator/graph/nothing/here/at/all' });
    expect(missing.json()).toMatchObject({ error: { code: 100, type: 'OAuthException' } });
  });

  it('leave the host parser, error handler and headers alone', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":1}',
    });
    expect(r.json()).toEqual({ got: { raw: '{"a":1}' } });
    expect(r.headers['x-fb-trace-id']).toBeUndefined();
    const multipart = await app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x--',
    });
    expect(multipart.statusCode).toBe(418);
  });

  it('serve the control API under its prefix and build media URLs from publicBaseUrl', async () => {
    const numbers = await app.inject({ method: 'GET', url: '/simulator/control/numbers', headers: control });
    expect(numbers.json()).toMatchObject({ numbers: [{ phoneNumberId: NUMBER.phoneNumberId, mps: 80 }] });
    const inbound = await app.inject({
      method: 'POST',
      url: '/simulator/control/inbound',
      headers: control,
      payload: {
        phoneNumberId: NUMBER.phoneNumberId,
        from: CUSTOMER,
        message: { type: 'image', image: { caption: 'x' } },
        media: { base64: Buffer.from('png!').toString('base64'), mimeType: 'image/png' },
      },
    });
    expect(inbound.statusCode).toBe(200);
    const conv = sim.conversation(NUMBER.phoneNumberId, CUSTOMER);
    const image = conv.at(-1)?.message.image as { id: string };
    const info = await app.inject({
      method: 'GET',
      url: `/simulator/graph/v23.0/${image.id}`,
      headers: auth,
    });
    const url = new URL(info.json<{ url: string }>().url);
    expect(url.origin + url.pathname).toBe(
      'https://tsunagi.example/simulator/graph/whatsapp_business/attachments/',
    );
    const file = await app.inject({
      method: 'GET',
      url: `/simulator/graph/whatsapp_business/attachments/${url.search}`,
      headers: auth,
    });
    expect(file.statusCode).toBe(200);
    expect(file.body).toBe('png!');
  });

  it('answer the control API only with the control token, and never show access tokens', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: CONTROL_TOKEN }]) {
      const r = await app.inject({ method: 'GET', url: '/simulator/control/numbers', headers });
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    const injected = await app.inject({
      method: 'POST',
      url: '/simulator/control/inbound',
      payload: {
        phoneNumberId: NUMBER.phoneNumberId,
        from: CUSTOMER,
        message: { type: 'text', text: { body: 'x' } },
      },
    });
    expect(injected.statusCode).toBe(401);
    const redirect = await app.inject({
      method: 'POST',
      url: '/simulator/control/webhook',
      payload: { url: 'https://attacker.example/hook' },
    });
    expect(redirect.statusCode).toBe(401);

    const list = await app.inject({ method: 'GET', url: '/simulator/control/numbers', headers: control });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(NUMBER.accessToken);
    expect(list.json<{ numbers: object[] }>().numbers[0]).not.toHaveProperty('accessToken');
    const registered = await app.inject({
      method: 'POST',
      url: '/simulator/control/numbers',
      headers: control,
      payload: { ...NUMBER, phoneNumberId: '999000111', accessToken: 'EAAG-secret-other' },
    });
    expect(registered.statusCode).toBe(200);
    expect(registered.body).not.toContain('EAAG-secret-other');
  });

  it('refuse a webhook URL outside the host', async () => {
    for (const url of [
      'https://attacker.example/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://127.0.0.1:6379/',
    ]) {
      const r = await app.inject({
        method: 'POST',
        url: '/simulator/control/webhook',
        headers: control,
        payload: { url },
      });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ error: { code: 'invalid_request' } });
    }
    const own = await app.inject({
      method: 'POST',
      url: '/simulator/control/webhook',
      headers: control,
      payload: { url: 'https://tsunagi.example/webhooks/whatsapp' },
    });
    expect(own.statusCode).toBe(200);
  });
});
