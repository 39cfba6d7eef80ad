import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDto, MessageDto } from '../../src/contracts/api.schemas.ts';
import type { FeedEvent } from '../../src/simulator/feed.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

/** Calls Tsunagi makes to the Cloud API for a number, against the built-in simulator over real HTTP. */
describe('Cloud API calls for a number (through the simulator)', () => {
  let s: RunningTsunagi;
  beforeAll(async () => {
    s = await startTestTsunagi();
  });
  afterAll(async () => s?.close());

  it('tests the connection: ok with the stored token, a clear reason when the token is wrong', async () => {
    const number = await s.addNumber();
    const ok = await s.api<{ ok: boolean; displayPhoneNumber: string }>(
      'POST',
      `/api/v1/phone-numbers/${number.id}/test`,
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      ok: true,
      displayPhoneNumber: '+81 3-0000-0000',
      qualityRating: 'GREEN',
    });
    // A token that Meta (here the simulator) does not know, stored without going through the mirror.
    await s.t.ctx.db
      .updateTable('phone_numbers')
      .set({ access_token_enc: s.t.ctx.secrets.seal('EAAG-revoked') })
      .where('id', '=', number.id)
      .execute();
    const bad = await s.api<{ ok: boolean; error: { code: string; message: string } }>(
      'POST',
      `/api/v1/phone-numbers/${number.id}/test`,
    );
    expect(bad.status).toBe(200);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.error.code).toBe('invalid_token');
  });

  it('records a passing connection test as verified (numbers from before ownership checks); another WABA fails it', async () => {
    const number = await s.addNumber();
    const db = s.t.ctx.db;
    const verifiedAt = async () =>
      (
        await db
          .selectFrom('phone_numbers')
          .select('verified_at')
          .where('id', '=', number.id)
          .executeTakeFirstOrThrow()
      ).verified_at;
    await db.updateTable('phone_numbers').set({ verified_at: null }).where('id', '=', number.id).execute();
    const ok = await s.api<{ ok: boolean }>('POST', `/api/v1/phone-numbers/${number.id}/test`);
    expect(ok.body.ok).toBe(true);
    expect(await verifiedAt()).toEqual(s.clock.now());
    await db
      .updateTable('phone_numbers')
      .set({ waba_id: '102290129300009', verified_at: null })
      .where('id', '=', number.id)
      .execute();
    const wrong = await s.api<{ ok: boolean; error: { code: string } }>(
      'POST',
      `/api/v1/phone-numbers/${number.id}/test`,
    );
    expect(wrong.body).toMatchObject({ ok: false, error: { code: 'waba_mismatch' } });
    expect(await verifiedAt()).toBeNull();
  });

  it('reads and changes the business profile; refuses what WhatsApp would refuse', async () => {
    const number = await s.addNumber();
    const before = await s.api<{ about: string }>('GET', `/api/v1/phone-numbers/${number.id}/profile`);
    expect(before.status).toBe(200);
    const patched = await s.api<Record<string, unknown>>(
      'PATCH',
      `/api/v1/phone-numbers/${number.id}/profile`,
      {
        about: '営業時間 10:00–19:00',
        websites: ['https://shop.example.jp'],
        email: 'info@shop.example.jp',
      },
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      about: '営業時間 10:00–19:00',
      websites: ['https://shop.example.jp'],
    });
    const tooLong = await s.api<{ error: { code: string } }>(
      'PATCH',
      `/api/v1/phone-numbers/${number.id}/profile`,
      {
        about: 'x'.repeat(140),
      },
    );
    expect(tooLong.status).toBe(400);
    const badVertical = await s.api<{ error: { code: string } }>(
      'PATCH',
      `/api/v1/phone-numbers/${number.id}/profile`,
      {
        vertical: 'SPACESHIPS',
      },
    );
    expect(badVertical.status).toBe(502);
    expect(badVertical.body.error.code).toBe('whatsapp_error');
  });

  it("lists the WABA's templates (cached when the number is registered)", async () => {
    const number = await s.addNumber();
    await s.t.drain();
    const res = await s.api<{ data: Array<{ name: string; status: string }> }>(
      'GET',
      `/api/v1/templates?phoneNumberId=${number.id}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toContainEqual(
      expect.objectContaining({ name: 'hello_world', status: 'APPROVED' }),
    );
  });

  it('uploads media, sends it by id, and serves the stored copy of the outbound message', async () => {
    const number = await s.addNumber();
    s.t.simulator!.inbound({
      phoneNumberId: number.phoneNumberId,
      from: '819022223333',
      message: { type: 'text', text: { body: '写真を送ってください' } },
    });
    await s.t.drain();
    const conv = (
      await s.api<{ data: ConversationDto[] }>('GET', `/api/v1/conversations?phoneNumberId=${number.id}`)
    ).body.data[0]!;

    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2b8c9b40000000049454e44ae426082',
      'hex',
    );
    const form = new FormData();
    form.set('phoneNumberId', number.id);
    form.set('file', new Blob([png], { type: 'image/png' }), '商品.png');
    const up = await fetch(`${s.t.url}/api/v1/media`, { method: 'POST', headers: s.auth, body: form });
    expect(up.status).toBe(201);
    const media = (await up.json()) as { id: string; filename: string; size: number };
    expect(media).toMatchObject({ filename: '商品.png', size: png.length });

    const sent = await s.api<MessageDto>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      type: 'image',
      image: { id: media.id, caption: 'こちらです' },
    });
    expect(sent.status).toBe(202);
    await s.t.drain();
    expect(s.t.simulator!.sent({ phoneNumberId: number.phoneNumberId })).toHaveLength(1);
    const file = await fetch(`${s.t.url}/api/v1/messages/${sent.body.id}/media`, { headers: s.auth });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(png);

    const noFile = new FormData();
    noFile.set('phoneNumberId', number.id);
    const missing = await fetch(`${s.t.url}/api/v1/media`, { method: 'POST', headers: s.auth, body: noFile });
    expect(missing.status).toBe(400);
  });

  it("marks the customer's latest message read and shows typing on WhatsApp, once per message", async () => {
    const number = await s.addNumber();
    const sim = s.t.simulator!;
    const feed: FeedEvent[] = [];
    const unsubscribe = sim.subscribe((e) => feed.push(e));
    try {
      sim.inbound({
        phoneNumberId: number.phoneNumberId,
        from: '819033334444',
        message: { type: 'text', text: { body: '1' } },
      });
      const { wamid } = sim.inbound({
        phoneNumberId: number.phoneNumberId,
        from: '819033334444',
        message: { type: 'text', text: { body: '2' } },
      });
      await s.t.drain();
      const conv = (
        await s.api<{ data: ConversationDto[] }>('GET', `/api/v1/conversations?phoneNumberId=${number.id}`)
      ).body.data[0]!;
      expect(conv.unreadCount).toBe(2);
      for (let i = 0; i < 3; i++)
        expect((await s.api('POST', `/api/v1/conversations/${conv.id}/read`)).status).toBe(200);
      await s.t.drain();
      s.clock.advance(1000);
      const typing = await s.api<{ sent: boolean }>('POST', `/api/v1/conversations/${conv.id}/typing`);
      expect(typing.body.sent).toBe(true);
      await s.t.drain();
      const reads = feed.filter((e) => e.kind === 'read');
      expect(reads).toHaveLength(1);
      expect(reads[0]).toMatchObject({ wamid });
      expect(feed.filter((e) => e.kind === 'typing')).toHaveLength(1);
      const after = await s.api<ConversationDto>('GET', `/api/v1/conversations/${conv.id}`);
      expect(after.body.unreadCount).toBe(0);
    } finally {
      unsubscribe();
    }
  });
});
