import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactDto, ConversationDto } from '../../src/contracts/api.schemas.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { backfillSearchKeys } from '../../src/server/modules/search/search-backfill.jobs.ts';
import { bigramCodes } from '../../src/server/modules/search/search-key.rules.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

/**
 * Contact identity (one person, one contact, whatever form of the number) and Japanese-aware search over the
 * REST API, with customers writing in through the built-in simulator over real HTTP.
 */
describe('contact identity and Japanese-aware search', () => {
  let s: RunningTsunagi;
  let number: { id: string; phoneNumberId: string };
  let other: { authorization: string };
  beforeAll(async () => {
    s = await startTestTsunagi();
    number = await s.addNumber();
    const ws = await createWorkspace(s.t.ctx.db, s.clock, { name: 'Other shop' });
    other = { authorization: `Bearer ${ws.apiKey}` };
  });
  afterAll(async () => s?.close());

  const inbound = async (from: string, name: string, body: string) => {
    s.t.simulator!.inbound({
      phoneNumberId: number.phoneNumberId,
      from,
      name,
      message: { type: 'text', text: { body } },
    });
    await s.t.drain();
  };
  const contacts = async (q: string, headers?: Record<string, string>) => {
    const res = await s.api<{ data: ContactDto[] }>(
      'GET',
      `/api/v1/contacts?q=${encodeURIComponent(q)}`,
      undefined,
      headers,
    );
    expect(res.status).toBe(200);
    return res.body.data.map((c) => c.id).sort();
  };
  const inbox = async (q: string) => {
    const res = await s.api<{ data: ConversationDto[] }>(
      'GET',
      `/api/v1/conversations?q=${encodeURIComponent(q)}`,
    );
    expect(res.status).toBe(200);
    return res.body.data;
  };

  it('finds 山田 太郎 by script, reading and romaji, and by the number in any format; never another workspace', async () => {
    const typed = await s.api<ContactDto>('POST', '/api/v1/contacts', {
      phone: '+81 90-1111-0001',
      name: '山田 太郎',
    });
    expect(typed.status).toBe(201);
    expect(typed.body).toMatchObject({ country: 'JP', timezone: 'Asia/Tokyo' });
    await inbound('819011110002', '山田 太郎', 'こんにちは');
    const received = (await s.api<{ data: ContactDto[] }>('GET', '/api/v1/contacts?q=819011110002')).body
      .data;
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ profileName: '山田 太郎', country: 'JP', timezone: 'Asia/Tokyo' });
    const both = [typed.body.id, received[0]!.id].sort();
    // The same name in another workspace is never found from this one, nor this one's from there.
    const foreign = await s.api<ContactDto>(
      'POST',
      '/api/v1/contacts',
      { phone: '+81 90-1111-0003', name: '山田 太郎' },
      other,
    );
    expect(foreign.status).toBe(201);

    for (const q of [
      '山田',
      '山田 太郎',
      'やまだ',
      'ヤマダ',
      'ﾔﾏﾀﾞ',
      'yamada',
      'Yamada Taro',
      'YAMADA',
      'たろう',
      'tarou',
    ])
      expect(await contacts(q), q).toEqual(both);
    for (const q of ['090-1111-0001', '+81 90 1111 0001', '819011110001', '０９０１１１１０００１'])
      expect(await contacts(q), q).toEqual([typed.body.id]);
    expect(await contacts('やまだ', other)).toEqual([foreign.body.id]);
    expect(await contacts('suzuki')).toEqual([]);

    // The inbox finds the customer's conversation by the same forms, with results shaped as before.
    const convs = await inbox('ﾔﾏﾀﾞ');
    expect(convs).toHaveLength(1);
    expect(convs[0]!.contact?.id).toBe(received[0]!.id);
  });

  it('keeps one contact for a Brazilian number typed with the mobile 9 and written to without it', async () => {
    const typed = await s.api<ContactDto>('POST', '/api/v1/contacts', {
      phone: '+55 11 98765-4321',
      name: 'Ana',
    });
    expect(typed.status).toBe(201);
    expect(typed.body).toMatchObject({ waId: '5511987654321', country: 'BR', timezone: 'America/Sao_Paulo' });
    await inbound('551187654321', 'Ana Souza', 'Olá');
    const found = (await s.api<{ data: ContactDto[] }>('GET', '/api/v1/contacts?q=Ana')).body.data;
    expect(found.map((c) => c.id)).toEqual([typed.body.id]);
    expect(found[0]).toMatchObject({
      profileName: 'Ana Souza',
      country: 'BR',
      timezone: 'America/Sao_Paulo',
    });
    const conv = (await inbox('Olá'))[0];
    expect(conv?.contact?.id).toBe(typed.body.id);
    // Typing the other form again answers 409 with the existing contact.
    const dup = await s.api<{ error: { code: string; details: { existingId: string } } }>(
      'POST',
      '/api/v1/contacts',
      { phone: '+55 11 8765-4321' },
    );
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'conflict', details: { existingId: typed.body.id } });
  });

  it('gives a contact first written to by WhatsApp without the 9 its country and time zone, and 409s the typed form', async () => {
    await inbound('551187650000', 'Bruno', 'Oi');
    const [bruno] = (await s.api<{ data: ContactDto[] }>('GET', '/api/v1/contacts?q=bruno')).body.data;
    expect(bruno).toMatchObject({ waId: '551187650000', country: 'BR', timezone: 'America/Sao_Paulo' });
    const dup = await s.api<{ error: { details: { existingId: string } } }>('POST', '/api/v1/contacts', {
      phone: '+55 11 98765-0000',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.details.existingId).toBe(bruno!.id);
    // Mexico's 521 and Argentina's 549 work the same way.
    const mx = await s.api<ContactDto>('POST', '/api/v1/contacts', { phone: '+52 55 1234 5678' });
    expect(mx.body).toMatchObject({ country: 'MX', timezone: 'America/Mexico_City' });
    await inbound('5215512345678', 'Carlos', 'Hola');
    expect(await contacts('carlos')).toEqual([mx.body.id]);
    const ar = await s.api<ContactDto>('POST', '/api/v1/contacts', { phone: '+54 11 2345-6789' });
    await inbound('5491123456789', 'Diego', 'Hola');
    expect(await contacts('diego')).toEqual([ar.body.id]);
  });

  it('finds a conversation by the reading of its messages (へんぴん → 返品), in any status', async () => {
    await inbound('819022220001', '佐藤', '先日購入した靴を返品したいのですが');
    await inbound('819022220002', '鈴木', '配送はいつですか');
    const [conv] = await inbox('返品');
    expect(conv?.contact?.waId).toBe('819022220001');
    const resolved = await s.api('PATCH', `/api/v1/conversations/${conv!.id}`, { status: 'resolved' });
    expect(resolved.status).toBe(200);
    for (const q of ['へんぴん', 'ヘンピン', 'ﾍﾝﾋﾟﾝ', 'henpin', '返品', 'くつ'])
      expect(
        (await inbox(q)).map((c) => c.id),
        q,
      ).toEqual([conv!.id]);
    expect((await inbox('はいそう')).map((c) => c.contact?.waId)).toEqual(['819022220002']);
    expect(await inbox('へんきん')).toEqual([]);
  });

  it('backfills rows written before search keys existed (key, country, time zone)', async () => {
    await inbound('819033330001', '高橋 一郎', '領収書をください');
    const db = s.t.ctx.db;
    await sql`update contacts set search_key = null, country = null, timezone = null where wa_id = '819033330001'`.execute(
      db,
    );
    await sql`update messages set search_text = null, search_grams = null where content->'text'->>'body' = '領収書をください'`.execute(
      db,
    );
    expect(await contacts('たかはし')).toEqual([]);
    const filled = await backfillSearchKeys({ db });
    expect(filled.contacts).toBeGreaterThanOrEqual(1);
    expect(filled.messages).toBeGreaterThanOrEqual(1);
    const [c] = (await s.api<{ data: ContactDto[] }>('GET', '/api/v1/contacts?q=たかはし')).body.data;
    expect(c).toMatchObject({ waId: '819033330001', country: 'JP', timezone: 'Asia/Tokyo' });
    // 髙橋 (a variant kanji) finds 高橋.
    expect(await contacts('髙橋')).toEqual([c!.id]);
    expect((await inbox('りょうしゅうしょ')).map((x) => x.contact?.id)).toEqual([c!.id]);
    expect(await backfillSearchKeys({ db })).toEqual({ contacts: 0, messages: 0 });
  });

  it('indexes messages by the same bigram codes in SQL (migration, demo seed) as in the application', async () => {
    const texts = [
      '返品 へんぴん',
      'ｱｲｳ ﾍﾝﾋﾟﾝ',
      'order #12 😊 ok',
      'ａａａ',
      'x',
      '',
      '丁寧な対応🙏ありがとう',
    ];
    for (const t of texts) {
      const res = await sql<{ codes: number[] }>`select tsunagi_bigram_codes(${t}) as codes`.execute(
        s.t.ctx.db,
      );
      const fromSql = [...(res.rows[0]?.codes ?? [])].sort((a, b) => a - b);
      expect(fromSql, t).toEqual([...bigramCodes(t)].sort((a, b) => a - b));
    }
    // Codes of characters at or above U+8000 are negative 32-bit integers, as int4 holds them.
    expect(bigramCodes('ﾍﾝ')[0]).toBeLessThan(0);
  });

  it('suggests duplicates: the same name reading (山田 太郎, やまだ たろう, Yamada Taro), never across workspaces', async () => {
    const mk = async (phone: string, name: string, headers?: Record<string, string>) => {
      const res = await s.api<ContactDto>('POST', '/api/v1/contacts', { phone, name }, headers);
      expect(res.status).toBe(201);
      return res.body.id;
    };
    const kanji = await mk('+81 90-4444-0001', '山田 太郎');
    const kana = await mk('+81 90-4444-0002', 'やまだ たろう');
    const latin = await mk('+81 90-4444-0003', 'Yamada Taro');
    await mk('+81 90-4444-0004', '山田 花子');
    await mk('+81 90-4444-0005', '山田 太郎', other);
    const res = await s.api<{ data: Array<{ contact: ContactDto; reasons: string[] }> }>(
      'GET',
      `/api/v1/contacts/${kanji}/duplicates`,
    );
    expect(res.status).toBe(200);
    const byId = new Map(res.body.data.map((d) => [d.contact.id, d.reasons]));
    expect(byId.get(kana)).toEqual(['same_name_reading']);
    expect(byId.get(latin)).toEqual(['same_name_reading']);
    // Earlier tests made 山田 太郎 contacts in this workspace too; none of another workspace, no 山田 花子.
    for (const d of res.body.data) expect(d.contact.name ?? d.contact.profileName).not.toBe('山田 花子');
    const missing = await s.api('GET', '/api/v1/contacts/00000000-0000-7000-8000-000000000000/duplicates');
    expect(missing.status).toBe(404);
    const foreign = await s.api('GET', `/api/v1/contacts/${kanji}/duplicates`, undefined, other);
    expect(foreign.status).toBe(404);
  });
});
