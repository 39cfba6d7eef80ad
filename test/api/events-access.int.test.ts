import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedMember } from '../support/app.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

/** An open event stream must not outlive the credentials it was opened with. */
describe('event stream access', () => {
  let s: RunningTsunagi;
  beforeAll(async () => {
    s = await startTestTsunagi();
  });
  afterAll(async () => s?.close());

  async function signIn(userId: string) {
    const res = await fetch(`${s.t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `${userId}@example.test`, password: 'x' }),
    });
    expect(res.status).toBe(200);
    return String(res.headers.get('set-cookie')).split(';')[0]!;
  }

  /** Reads the stream until it ends; resolves with everything received. */
  function drainStream(res: Response): Promise<string> {
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    return (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return text;
        text += decoder.decode(value, { stream: true });
      }
    })();
  }

  it('ends the stream of a user who was deactivated, at the next heartbeat', async () => {
    const agentId = await seedMember(s.t.ctx, s.workspaceId, 'agent');
    const cookie = await signIn(agentId);
    const stream = await fetch(`${s.t.url}/api/v1/events`, { headers: { cookie } });
    expect(stream.status).toBe(200);
    const ended = drainStream(stream);

    s.clock.advance(15_000); // still allowed: a heartbeat
    const off = await s.api('PATCH', `/api/v1/users/${agentId}`, { deactivated: true });
    expect(off.status).toBe(200);
    s.clock.advance(15_000);
    const text = await ended;
    expect(text).toContain(': connected');
    expect(text).toContain(': ping');
  });

  it('ends the streams of API keys that were revoked or rotated, at the next heartbeat', async () => {
    const make = async (name: string) => {
      const res = await s.api<{ id: string; secret: string }>('POST', '/api/v1/api-keys', {
        name,
        role: 'agent',
      });
      expect(res.status).toBe(201);
      return res.body;
    };
    const revoked = await make('stream revoked');
    const rotated = await make('stream rotated');
    const open = async (secret: string) => {
      const res = await fetch(`${s.t.url}/api/v1/events`, { headers: { authorization: `Bearer ${secret}` } });
      expect(res.status).toBe(200);
      return { ended: drainStream(res) }; // wrapped: an async function returning a promise would await it
    };
    const revokedStream = await open(revoked.secret);
    const rotatedStream = await open(rotated.secret);
    expect((await s.api('POST', `/api/v1/api-keys/${revoked.id}/revoke`)).status).toBe(200);
    expect((await s.api('POST', `/api/v1/api-keys/${rotated.id}/rotate`)).status).toBe(200);
    s.clock.advance(15_000);
    expect(await revokedStream.ended).toContain(': connected');
    expect(await rotatedStream.ended).toContain(': connected');
  });
});
