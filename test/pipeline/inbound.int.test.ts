import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDto, MessageDto } from '../../src/contracts/api.schemas.ts';
import { signBody } from '../../src/server/whatsapp/signature.ts';
import { stringifyAsciiJson } from '../../src/lib/json.ts';
import { markForReplay } from '../../src/server/pipeline/replay.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

/** The inbound pipeline through signed webhooks over real HTTP. */
describe('inbound pipeline', () => {
  let s: RunningTsunagi;
  let number: { id: string; phoneNumberId: string };

  beforeAll(async () => {
    s = await startTestTsunagi({ statusDelaysMs: { sent: 0, delivered: 1000, read: 2000 } });
    number = await s.addNumber({ phoneNumberId: '100000000000401', wabaId: '200000000000401' });
  });
  afterAll(async () => s?.close());

  /** Posts a signed webhook body exactly as Meta would. */
  async function post(body: unknown): Promise<number> {
    const raw = stringifyAsciiJson(body);
    const res = await fetch(`${s.t.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signBody(s.t.ctx.appSecret!, raw),
      },
      body: raw,
    });
    return res.status;
  }
  const envelope = (value: Record<string, unknown>) => ({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '200000000000401',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '81300000000', phone_number_id: number.phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  });
  const text = (wamid: string, from: string, ts: number, body: string) => ({
    from,
    id: wamid,
    timestamp: String(ts),
    type: 'text',
    text: { body },
  });
  const conversationOf = async (waId: string) =>
    (await s.api<{ data: ConversationDto[] }>('GET', '/api/v1/conversations?limit=100')).body.data.find(
      (c) => c.contact?.waId === waId,
    );

  it('applies every message of a batched webhook once, in WhatsApp timestamp order, despite duplicates', async () => {
    const t0 = Math.floor(s.clock.nowMs() / 1000) - 60;
    const body = envelope({
      contacts: [
        { profile: { name: 'Ōno' }, wa_id: '819077770001' },
        { profile: { name: '小野' }, wa_id: '819077770002' },
      ],
      // Out of order on purpose; the second customer's two messages, and a duplicate of the first.
      messages: [
        text('wamid.IN-B2', '819077770002', t0 + 20, 'second'),
        text('wamid.IN-A1', '819077770001', t0, 'hello'),
        text('wamid.IN-B1', '819077770002', t0 + 10, 'first'),
        text('wamid.IN-A1', '819077770001', t0, 'hello'),
      ],
    });
    expect(await post(body)).toBe(200);
    expect(await post(body)).toBe(200); // Meta retries: at-least-once
    await s.t.drain();
    const b = await conversationOf('819077770002');
    expect(b?.lastMessagePreview).toBe('second');
    expect(b?.unreadCount).toBe(2);
    const history = await s.api<{ data: MessageDto[] }>('GET', `/api/v1/conversations/${b!.id}/messages`);
    expect(history.body.data.map((m) => (m.content as { text: { body: string } }).text.body)).toEqual([
      'second',
      'first',
    ]);

    // A late, older message never overwrites the newer preview.
    expect(
      await post(
        envelope({
          contacts: [{ profile: { name: '小野' }, wa_id: '819077770002' }],
          messages: [text('wamid.IN-B0', '819077770002', t0 + 5, 'zeroth')],
        }),
      ),
    ).toBe(200);
    await s.t.drain();
    const again = await conversationOf('819077770002');
    expect(again?.lastMessagePreview).toBe('second');
    expect(again?.unreadCount).toBe(3);
    expect((await conversationOf('819077770001'))?.contact?.profileName).toBe('Ōno');
  });

  it('keeps statuses monotonic when webhooks arrive reordered and duplicated, and parks statuses for unknown sends', async () => {
    s.t.simulator!.inbound({
      phoneNumberId: number.phoneNumberId,
      from: '819077770003',
      name: 'Sato',
      message: { type: 'text', text: { body: 'hi' } },
    });
    await s.t.drain();
    const conv = await conversationOf('819077770003');
    s.t.simulator!.setFaults({
      reorderWebhooks: true,
      reorderWindowMs: 5000,
      duplicateWebhookRate: 1,
      seed: 7,
    });
    const msg = (
      await s.api<MessageDto>('POST', `/api/v1/conversations/${conv!.id}/messages`, {
        type: 'text',
        text: { body: 'reply' },
      })
    ).body;
    await s.t.drain();
    s.clock.advance(6000);
    await s.t.drain();
    s.t.simulator!.resetFaults();
    const row = (await s.api<MessageDto>('GET', `/api/v1/messages/${msg.id}`)).body;
    expect(row.status).toBe('read');
    expect(row.timestamps.sent && row.timestamps.delivered && row.timestamps.read).toBeTruthy();

    // A status for a wamid we never recorded is parked, not lost and not an error.
    expect(
      await post(
        envelope({
          statuses: [
            {
              id: 'wamid.UNKNOWN-1',
              status: 'delivered',
              timestamp: String(Math.floor(s.clock.nowMs() / 1000)),
              recipient_id: '819077770003',
            },
          ],
        }),
      ),
    ).toBe(200);
    await s.t.drain();
    const parked = await s.t.ctx.db
      .selectFrom('parked_statuses')
      .selectAll()
      .where('wamid', '=', 'wamid.UNKNOWN-1')
      .execute();
    expect(parked).toHaveLength(1);
  });

  it('fetches media as its own step and serves it safely', async () => {
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4f70000000049454e44ae426082',
      'hex',
    );
    s.t.simulator!.inbound({
      phoneNumberId: number.phoneNumberId,
      from: '819077770004',
      name: '写真',
      message: { type: 'image', image: { caption: '領収書です' } },
      media: { base64: png.toString('base64'), mimeType: 'image/png' },
    });
    s.t.simulator!.inbound({
      phoneNumberId: number.phoneNumberId,
      from: '819077770004',
      name: '写真',
      message: { type: 'document', document: { filename: 'レシート.html' } },
      media: {
        base64: Buffer.from('<script>alert(1)</script>').toString('base64'),
        mimeType: 'text/plain',
        filename: 'レシート.html',
      },
    });
    await s.t.drain();
    const conv = await conversationOf('819077770004');
    const history = (await s.api<{ data: MessageDto[] }>('GET', `/api/v1/conversations/${conv!.id}/messages`))
      .body.data;
    const image = history.find((m) => m.type === 'image')!;
    expect(image.mediaStatus).toBe('stored');
    const res = await fetch(`${s.t.url}/api/v1/messages/${image.id}/media`, { headers: s.auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    const doc = history.find((m) => m.type === 'document')!;
    const docRes = await fetch(`${s.t.url}/api/v1/messages/${doc.id}/media`, { headers: s.auth });
    expect(docRes.headers.get('content-type')).toBe('application/octet-stream');
    expect(docRes.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(docRes.headers.get('content-security-policy')).toContain('sandbox');
  });

  it('serves a file whose long name the 200-character cut would split inside an emoji', async () => {
    const filename = `${'a'.repeat(199)}😀.pdf`;
    s.t.simulator!.inbound({
      phoneNumberId: number.phoneNumberId,
      from: '819077770005',
      message: { type: 'document', document: { filename } },
      media: { base64: Buffer.from('%PDF-1.4').toString('base64'), mimeType: 'application/pdf', filename },
    });
    await s.t.drain();
    const conv = await conversationOf('819077770005');
    const history = (await s.api<{ data: MessageDto[] }>('GET', `/api/v1/conversations/${conv!.id}/messages`))
      .body.data;
    const doc = history.find((m) => m.type === 'document')!;
    const res = await fetch(`${s.t.url}/api/v1/messages/${doc.id}/media`, { headers: s.auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${'a'.repeat(199)}%EF%BF%BD`);
  });

  it('dead-letters what it cannot apply with a reason, and replays idempotently', async () => {
    const before = await s.t.ctx.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const unknownNumber = { ...envelope({ messages: [text('wamid.NOPE', '819077770009', 1, 'x')] }) };
    (
      unknownNumber.entry[0]!.changes[0]!.value as { metadata: { phone_number_id: string } }
    ).metadata.phone_number_id = '999999999';
    expect(await post(unknownNumber)).toBe(200);
    expect(await post(envelope({ messages: [{ id: 'wamid.BAD', type: 'text' }] }))).toBe(200);
    await s.t.drain();
    const letters = await s.t.ctx.db.selectFrom('dead_letters').select(['reason', 'path']).execute();
    expect(letters.some((l) => l.reason.includes('unknown phone number id 999999999'))).toBe(true);
    expect(letters.some((l) => l.reason.startsWith('invalid:'))).toBe(true);

    const marked = await markForReplay(s.t.ctx.db, { failedOnly: false });
    expect(marked).toBeGreaterThan(0);
    await s.t.drain();
    const after = await s.t.ctx.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const lettersAfter = await s.t.ctx.db.selectFrom('dead_letters').select('reason').execute();
    expect(lettersAfter.length).toBe(letters.length);
  });

  it('opts a contact out of marketing on a user_preferences webhook', async () => {
    s.t.simulator!.inbound({
      phoneNumberId: number.phoneNumberId,
      from: '819077770005',
      name: 'Stop',
      message: { type: 'text', text: { body: 'STOP' } },
    });
    await s.t.drain();
    s.t.simulator!.optOut({ phoneNumberId: number.phoneNumberId, waId: '819077770005' });
    await s.t.drain();
    const conv = await conversationOf('819077770005');
    expect(conv?.contact?.consentState).toBe('opted_out');
  });
});
