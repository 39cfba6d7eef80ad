import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeClock } from '../../src/lib/clock.ts';
import { startStandaloneSimulator } from '../../src/simulator/index.ts';
import type { StandaloneOptions, StandaloneSimulator } from '../../src/simulator/index.ts';

/** Test fixtures shared by the simulator tests. */
export const APP_SECRET = 'test-app-secret';
export const NUMBER = {
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '+1 555-078-3881',
  wabaId: '102290129340398',
  accessToken: 'token-main',
};
export const CUSTOMER = '16505551234';
export const VERSION = 'v23.0';
export const VERIFY_TOKEN = 'verify-me';

/** The third-party conformance corpus, outside the repo; tests using it skip when it's absent. */
export const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/fixtures/whatsapp',
);
export const hasFixtures = fs.existsSync(FIXTURES);

/** One webhook POST as the receiver saw it. */
export interface Hit {
  raw: string;
  signature: string | undefined;
  verified: boolean;
  json: {
    object: string;
    entry: { id: string; changes: { field: string; value: Record<string, unknown> }[] }[];
  };
}

/** A tiny node:http webhook receiver that records POSTs and verifies signatures over the raw bytes. */
export interface Receiver {
  url: string;
  hits: Hit[];
  /** Decides the HTTP status of each POST (default 200). */
  respond: (hit: Hit, index: number) => number;
  close(): Promise<void>;
}

export async function startReceiver(appSecret = APP_SECRET): Promise<Receiver> {
  const receiver: Receiver = { url: '', hits: [], respond: () => 200, close: async () => undefined };
  const server = http.createServer((req, res) => {
    if (req.method === 'GET') {
      // Meta's verification handshake: echo hub.challenge when the verify token matches.
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      const ok = q.get('hub.mode') === 'subscribe' && q.get('hub.verify_token') === VERIFY_TOKEN;
      res.statusCode = ok ? 200 : 403;
      res.end(ok ? (q.get('hub.challenge') ?? '') : 'forbidden');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const signature = req.headers['x-hub-signature-256'];
      const sig = typeof signature === 'string' ? signature : undefined;
      const want = 'sha256=' + createHmac('sha256', appSecret).update(bytes).digest('hex');
      const verified =
        sig !== undefined &&
        sig.length === want.length &&
        timingSafeEqual(Buffer.from(sig), Buffer.from(want));
      const raw = bytes.toString('utf8');
      const hit: Hit = { raw, signature: sig, verified, json: JSON.parse(raw) as Hit['json'] };
      receiver.hits.push(hit);
      res.statusCode = receiver.respond(hit, receiver.hits.length - 1);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

/** Every status item of the recorded hits, in arrival order. */
export function statusesOf(hits: Hit[]): Record<string, unknown>[] {
  return hits.flatMap((h) =>
    h.json.entry.flatMap((e) =>
      e.changes.flatMap((c) => (c.value.statuses as Record<string, unknown>[] | undefined) ?? []),
    ),
  );
}

/** Every inbound message item of the recorded hits. */
export function messagesOf(hits: Hit[]): Record<string, unknown>[] {
  return hits.flatMap((h) =>
    h.json.entry.flatMap((e) =>
      e.changes.flatMap((c) => (c.value.messages as Record<string, unknown>[] | undefined) ?? []),
    ),
  );
}

/** A standalone simulator on a fake clock, a receiver, and request helpers. */
export interface Harness {
  clock: FakeClock;
  server: StandaloneSimulator;
  receiver: Receiver;
  /** POST a JSON body to a Graph path (e.g. `/v23.0/{pnid}/messages`) with the main token unless given. */
  graph(
    method: string,
    p: string,
    body?: unknown,
    token?: string | null,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Send a message from the main number. */
  send(body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }>;
  control(
    method: string,
    p: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Customer message that opens the window. */
  inbound(from?: string, text?: string, name?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(opts: Partial<StandaloneOptions> = {}): Promise<Harness> {
  const clock = new FakeClock('2026-01-05T00:00:00.000Z');
  const receiver = await startReceiver();
  const server = await startStandaloneSimulator({
    port: 0,
    appSecret: APP_SECRET,
    clock,
    webhookUrl: receiver.url,
    numbers: [NUMBER],
    ...opts,
  });
  const request = async (method: string, url: string, body: unknown, headers: Record<string, string>) => {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const h: Harness = {
    clock,
    server,
    receiver,
    graph: (method, p, body, token = NUMBER.accessToken) =>
      request(method, server.url + p, body, token === null ? {} : { authorization: `Bearer ${token}` }),
    send: (body) => h.graph('POST', `/${VERSION}/${NUMBER.phoneNumberId}/messages`, body),
    control: (method, p, body) =>
      request(method, `${server.url}/control${p}`, body, { authorization: `Bearer ${server.controlToken}` }),
    async inbound(from = CUSTOMER, text = 'hello', name = 'Customer') {
      const r = await h.control('POST', '/inbound', {
        phoneNumberId: NUMBER.phoneNumberId,
        from,
        name,
        message: { type: 'text', text: { body: text } },
      });
      if (r.status !== 200) throw new Error(`inbound failed: ${JSON.stringify(r.body)}`);
      return r.body.wamid as string;
    },
    async close() {
      await server.close();
      await receiver.close();
    },
  };
  return h;
}

/** A text send body. */
export function text(to: string, body = 'hi', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { messaging_product: 'whatsapp', to, type: 'text', text: { body }, ...extra };
}
