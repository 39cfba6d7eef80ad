import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toSendBody } from '../../contracts/whatsapp/send.schemas.ts';
import { FakeClock } from '../../lib/clock.ts';
import { GraphRequestError, createGraphClient } from './graph-client.ts';
import type { GraphClientOptions } from './graph-client.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}
type Handler = (seen: Seen, res: ServerResponse, req: IncomingMessage) => void;

const servers: { close: () => void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A tiny fake Graph on 127.0.0.1:0; each request is recorded and passed to `handler` once fully read. */
async function fakeGraph(handler: Handler) {
  const seen: Seen[] = [];
  let notify: (() => void) | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      seen.push(entry);
      notify?.();
      handler(entry, res, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => {
    server.closeAllConnections();
    server.close();
  };
  servers.push({ close });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** Resolves once the server has received a complete request. */
  const received = () => (seen.length > 0 ? Promise.resolve() : new Promise<void>((r) => (notify = r)));
  return { base, seen, received, close };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

const PN = { phoneNumberId: 'PN1', accessToken: 'TOKEN-1' };
const BODY = toSendBody(
  '+16505551234',
  { type: 'text', text: { body: 'こんにちは' } },
  { bizOpaqueCallbackData: 'm-1' },
);
const client = (base: string, over: Partial<GraphClientOptions> = {}) =>
  createGraphClient({ baseUrl: base, version: 'v23.0', ...over });
const ACCEPTED = {
  messaging_product: 'whatsapp',
  contacts: [{ input: '+16505551234', wa_id: '16505551234' }],
  messages: [{ id: 'wamid.OK', message_status: 'accepted' }],
};

describe('sendMessage', () => {
  it('posts JSON with the bearer token to {base}/{version}/{pnid}/messages and returns the wamid', async () => {
    const g = await fakeGraph((_s, res) => json(res, 200, ACCEPTED));
    const result = await client(g.base).sendMessage(PN, BODY);
    expect(result).toEqual({ ok: true, wamid: 'wamid.OK', waId: '16505551234', messageStatus: 'accepted' });
    const [req] = g.seen;
    expect(req).toMatchObject({ method: 'POST', url: '/v23.0/PN1/messages' });
    expect(req?.headers.authorization).toBe('Bearer TOKEN-1');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req?.body.toString() ?? '')).toEqual(BODY);
  });

  it('honours a base URL with a path and trailing slash, and the configured version', async () => {
    const g = await fakeGraph((_s, res) =>
      json(res, 200, { messages: [{ id: 'wamid.X' }], contacts: [{ input: 'US.1', wa_id: '' }] }),
    );
    const result = await client(`${g.base}/sim/graph/`, { version: 'v99.0' }).sendMessage(PN, BODY);
    expect(g.seen[0]?.url).toBe('/sim/graph/v99.0/PN1/messages');
    expect(result).toEqual({ ok: true, wamid: 'wamid.X', waId: null, messageStatus: null });
  });

  it.each([
    [400, 131009, 'permanent', null],
    [400, 130429, 'throttle', 'number'],
    [400, 131056, 'throttle', 'recipient'],
    [401, 190, 'auth', null],
    [500, 131000, 'retryable', null],
    [403, 368, 'policy', null],
  ] as const)('classifies a Graph %i error #%i as %s', async (status, code, category, retryScope) => {
    const error = {
      message: `(#${code}) Something`,
      type: 'OAuthException',
      code,
      error_data: { messaging_product: 'whatsapp', details: 'why it failed' },
      fbtrace_id: 'TRACE',
    };
    const g = await fakeGraph((_s, res) => json(res, status, { error }));
    const result = await client(g.base).sendMessage(PN, BODY);
    expect(result).toEqual({
      ok: false,
      error: {
        httpStatus: status,
        code,
        subcode: null,
        title: 'Something',
        details: 'why it failed',
        fbtraceId: 'TRACE',
        category,
        retryable: category === 'throttle' || category === 'retryable',
        retryScope,
        ambiguous: false,
      },
    });
  });

  it('treats an HTML 502 from a gateway as retryable and ambiguous', async () => {
    const html = '<html><head><style>x{}</style></head><body><h1>502 Bad Gateway</h1></body></html>';
    const g = await fakeGraph((_s, res) => res.writeHead(502, { 'content-type': 'text/html' }).end(html));
    const result = await client(g.base).sendMessage(PN, BODY);
    expect(result).toMatchObject({
      ok: false,
      error: {
        httpStatus: 502,
        code: null,
        category: 'retryable',
        retryable: true,
        ambiguous: true,
        details: '502 Bad Gateway',
      },
    });
  });

  it('treats a 200 that is not a send response as ambiguous, and a 200 carrying a Graph error as that error', async () => {
    const garbled = await fakeGraph((_s, res) => res.writeHead(200).end('<html>ok</html>'));
    expect(await client(garbled.base).sendMessage(PN, BODY)).toMatchObject({
      ok: false,
      error: { httpStatus: 200, category: 'retryable', ambiguous: true },
    });
    const error = {
      message: 'Invalid OAuth access token - Cannot parse access token',
      type: 'OAuthException',
      code: 190,
    };
    const g = await fakeGraph((_s, res) => json(res, 200, { error }));
    expect(await client(g.base).sendMessage(PN, BODY)).toMatchObject({
      ok: false,
      error: { code: 190, category: 'auth', ambiguous: false },
    });
  });

  it('reports a connection reset after the request was sent as ambiguous', async () => {
    const g = await fakeGraph((_s, _res, req) => req.socket.destroy());
    const result = await client(g.base).sendMessage(PN, BODY);
    expect(result).toMatchObject({
      ok: false,
      error: { httpStatus: 0, code: null, category: 'retryable', retryable: true, ambiguous: true },
    });
  });

  it('reports a refused connection as retryable but not ambiguous (nothing was sent)', async () => {
    const g = await fakeGraph(() => undefined);
    g.close();
    const result = await client(g.base).sendMessage(PN, BODY);
    expect(result).toMatchObject({
      ok: false,
      error: { httpStatus: 0, category: 'retryable', ambiguous: false, title: 'network error ECONNREFUSED' },
    });
  });

  it('times out on the injected clock and reports the send as ambiguous', async () => {
    const clock = new FakeClock();
    const g = await fakeGraph(() => undefined); // never answers
    const pending = client(g.base, { clock, timeoutMs: 5_000 }).sendMessage(PN, BODY);
    await g.received();
    clock.advance(5_000);
    expect(await pending).toMatchObject({
      ok: false,
      error: { httpStatus: 0, title: 'timeout after 5000 ms', category: 'retryable', ambiguous: true },
    });
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('other Graph calls', () => {
  it('markRead posts a read receipt with an optional typing indicator', async () => {
    const g = await fakeGraph((_s, res) => json(res, 200, { success: true }));
    await client(g.base).markRead(PN, 'wamid.IN', { typing: true });
    await client(g.base).markRead(PN, 'wamid.IN2');
    expect(g.seen.map((s) => JSON.parse(s.body.toString()))).toEqual([
      {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: 'wamid.IN',
        typing_indicator: { type: 'text' },
      },
      { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN2' },
    ]);
  });

  it('throws a GraphRequestError carrying the classified error', async () => {
    const g = await fakeGraph((_s, res) =>
      json(res, 400, { error: { message: '(#131009) Parameter value is not valid', code: 131009 } }),
    );
    const failure = await client(g.base)
      .markRead(PN, 'wamid.OLD')
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GraphRequestError);
    expect((failure as GraphRequestError).error).toMatchObject({
      httpStatus: 400,
      code: 131009,
      category: 'permanent',
    });
    expect((failure as GraphRequestError).message).toBe(
      'Graph 400 #131009: Parameter value is not valid (permanent)',
    );
  });

  it('uploadMedia sends multipart form data and returns the media id', async () => {
    const g = await fakeGraph((_s, res) => json(res, 200, { id: 'MEDIA-9' }));
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x42]);
    const out = await client(g.base).uploadMedia(PN, { bytes, mimeType: 'image/jpeg', filename: '写真.jpg' });
    expect(out).toEqual({ id: 'MEDIA-9' });
    const req = g.seen[0];
    expect(req).toMatchObject({ method: 'POST', url: '/v23.0/PN1/media' });
    expect(req?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const text = req?.body.toString('latin1') ?? '';
    expect(text).toMatch(/name="messaging_product"\r\n\r\nwhatsapp\r\n/);
    expect(text).toMatch(/name="type"\r\n\r\nimage\/jpeg\r\n/);
    expect(text).toMatch(/name="file"; filename="[^"]+"\r\nContent-Type: image\/jpeg\r\n\r\n/);
    expect(req?.body.includes(bytes)).toBe(true);
  });

  it('getMedia, downloadMedia and deleteMedia', async () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const g = await fakeGraph((s, res) => {
      if (s.url.startsWith('/lookaside')) {
        if (s.headers.authorization !== 'Bearer TOKEN-1')
          return json(res, 401, { error: { message: 'no token', code: 190 } });
        return res.writeHead(200, { 'content-type': 'image/png; charset=binary' }).end(png);
      }
      if (s.method === 'DELETE') return json(res, 200, { success: true });
      json(res, 200, {
        messaging_product: 'whatsapp',
        url: `${g.base}/lookaside/x`,
        mime_type: 'image/png',
        sha256: 'abc',
        file_size: '8',
        id: 'M1',
      });
    });
    const graph = client(g.base);
    const info = await graph.getMedia('M1', 'TOKEN-1', { phoneNumberId: 'PN1' });
    expect(info).toEqual({
      id: 'M1',
      url: `${g.base}/lookaside/x`,
      mimeType: 'image/png',
      sha256: 'abc',
      fileSize: 8,
    });
    expect(await graph.downloadMedia(info.url, 'TOKEN-1')).toEqual({ bytes: png, mimeType: 'image/png' });
    await expect(graph.downloadMedia(info.url, 'WRONG')).rejects.toMatchObject({
      error: { category: 'auth' },
    });
    await graph.deleteMedia('M1', 'TOKEN-1');
    expect(g.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /v23.0/M1?phone_number_id=PN1',
      'GET /lookaside/x',
      'GET /lookaside/x',
      'DELETE /v23.0/M1',
    ]);
  });

  it('refuses media downloads above the size limit', async () => {
    const g = await fakeGraph((_s, res) =>
      res.writeHead(200, { 'content-type': 'video/mp4' }).end(Buffer.alloc(64)),
    );
    const failure = client(g.base, { maxMediaBytes: 10 }).downloadMedia(`${g.base}/big`, 'T');
    await expect(failure).rejects.toMatchObject({
      error: { category: 'permanent', title: 'unexpected response: body larger than 10 bytes' },
    });
  });

  it('listTemplates pages with cursors', async () => {
    const template = {
      id: 'T1',
      name: 'order_update',
      status: 'APPROVED',
      language: 'ja',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}' }],
    };
    const g = await fakeGraph((s, res) => {
      const last = s.url.includes('after=CUR1');
      json(res, 200, {
        data: [template],
        paging: {
          cursors: { before: 'B', after: last ? 'CUR2' : 'CUR1' },
          ...(last ? {} : { next: 'https://next' }),
        },
      });
    });
    const graph = client(g.base);
    const first = await graph.listTemplates('WABA1', 'T', { limit: 50 });
    expect(first).toEqual({ templates: [template], nextCursor: 'CUR1' });
    const second = await graph.listTemplates('WABA1', 'T', { limit: 50, after: 'CUR1' });
    expect(second.nextCursor).toBeNull();
    const url = new URL(g.seen[1]?.url ?? '', g.base);
    expect(url.pathname).toBe('/v23.0/WABA1/message_templates');
    expect([url.searchParams.get('limit'), url.searchParams.get('after')]).toEqual(['50', 'CUR1']);
    expect(url.searchParams.get('fields')).toContain('components');
  });

  it('getPhoneNumber asks for the connection fields', async () => {
    const phone = {
      id: 'PN1',
      display_phone_number: '+81 3-1234-5678',
      verified_name: 'Tsunagi',
      quality_rating: 'GREEN',
    };
    const g = await fakeGraph((_s, res) => json(res, 200, phone));
    expect(await client(g.base).getPhoneNumber(PN)).toEqual(phone);
    const url = new URL(g.seen[0]?.url ?? '', g.base);
    expect(url.pathname).toBe('/v23.0/PN1');
    expect(url.searchParams.get('fields')?.split(',')).toEqual(
      expect.arrayContaining(['display_phone_number', 'quality_rating']),
    );
  });

  it('throws with httpStatus 0 when there is no response', async () => {
    const g = await fakeGraph((_s, _res, req) => req.socket.destroy());
    await expect(client(g.base).getPhoneNumber(PN)).rejects.toMatchObject({
      error: { httpStatus: 0, category: 'retryable' },
    });
  });
});
