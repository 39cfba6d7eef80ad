import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

interface Entry {
  action: string;
  actor: { type: string; id: string | null };
  target: { type: string; id: string | null } | null;
  data: Record<string, unknown>;
}

/** Adding, changing and removing a WhatsApp number is in the workspace's audit log, without the token. */
describe('audit log: phone numbers', () => {
  let s: RunningTsunagi;
  beforeAll(async () => {
    s = await startTestTsunagi();
  });
  afterAll(async () => s?.close());

  it('records number added, updated and removed, by the API key, never with the access token', async () => {
    const number = await s.addNumber({ phoneNumberId: '100000000000881', wabaId: '200000000000881' });
    s.clock.advance(1000);
    expect((await s.api('PATCH', `/api/v1/phone-numbers/${number.id}`, { label: '本店' })).status).toBe(200);
    s.clock.advance(1000);
    expect((await s.api('DELETE', `/api/v1/phone-numbers/${number.id}`)).status).toBe(204);

    const res = await s.api<{ data: Entry[] }>('GET', '/api/v1/audit-log?targetType=phone_number');
    expect(res.status).toBe(200);
    expect(res.body.data.map((e) => e.action)).toEqual([
      'phone_number.removed',
      'phone_number.updated',
      'phone_number.added',
    ]);
    for (const e of res.body.data) {
      expect(e.actor.type).toBe('api_key');
      expect(e.target).toEqual({ type: 'phone_number', id: number.id });
    }
    expect(res.body.data[2]!.data).toMatchObject({ phoneNumberId: '100000000000881', verified: true });
    expect(res.body.data[1]!.data).toMatchObject({ fields: 'label' });
    expect(JSON.stringify(res.body.data)).not.toContain('EAAG-test-token');
  });
});
