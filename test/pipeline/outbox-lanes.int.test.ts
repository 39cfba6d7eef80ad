import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDto, MessageDto } from '../../src/contracts/api.schemas.ts';
import { newId } from '../../src/lib/ids.ts';
import { OUTBOX_CHANNEL } from '../../src/server/modules/messages/messages.service.ts';
import { maxInFlightFor } from '../../src/server/pipeline/dispatcher.ts';
import { waitUntil } from '../support/process.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

const BULK = 10_000;
const MPS = 20;
const PHONE_NUMBER_ID = '100000000000777';

/**
 * Outbox lanes (DESIGN.md §5): with a 10,000-message broadcast queued and being sent on a number, a reply queued
 * for a customer goes out at the number's next send slot — not behind the broadcast, nor behind the batch the
 * dispatcher had already claimed. The pacer keeps its rate throughout, and nothing is lost or sent twice.
 */
describe('outbox lanes: conversational before bulk', () => {
  let s: RunningTsunagi;
  let number: { id: string; phoneNumberId: string };
  let unlisten: () => Promise<void>;
  /** How many sends the simulator had accepted when the dispatcher heard of the reply. */
  let sentAtNotice: number | null = null;

  beforeAll(async () => {
    s = await startTestTsunagi({ statusDelaysMs: { sent: 0, delivered: 0, read: null } });
    number = await s.addNumber({ phoneNumberId: PHONE_NUMBER_ID, mps: MPS });
    // Tsunagi paces this number at MPS on the wall clock. The simulator counts its own per-second limit on the
    // test's fake clock, which stands still here: give it headroom, so what is measured is the order of sends,
    // not throttling (a clock made to follow real time lagged on a loaded machine and got sends refused).
    s.t.simulator!.registerNumber({
      phoneNumberId: PHONE_NUMBER_ID,
      displayPhoneNumber: '+81 3-0000-0000',
      wabaId: s.t.simulator!.numbers().find((n) => n.phoneNumberId === PHONE_NUMBER_ID)!.wabaId,
      accessToken: 'EAAG-test-token',
      mps: 100 * MPS,
    });
    // The dispatcher hears of queued messages as a worker process does (main.ts wires the same LISTEN).
    unlisten = await s.t.ctx.database.listen(OUTBOX_CHANNEL, (payload) => {
      if (payload.startsWith('conversational:')) sentAtNotice ??= sentLog().length;
      s.t.dispatcher.notify(payload);
    });
  });
  afterAll(async () => {
    await unlisten?.();
    await s?.close();
  });

  const sentLog = () => s.t.simulator!.sent({ phoneNumberId: PHONE_NUMBER_ID });

  /** Queues `BULK` campaign template messages to as many contacts in one statement each, as a campaign would. */
  async function queueBroadcast(): Promise<void> {
    const now = s.clock.now();
    const ids = Array.from({ length: BULK }, () => newId());
    const contacts = Array.from({ length: BULK }, () => newId());
    const convs = Array.from({ length: BULK }, () => newId());
    const waIds = ids.map((_, i) => `8170${String(i).padStart(8, '0')}`);
    const db = s.t.ctx.db;
    await db.transaction().execute(async (tx) => {
      await sql`insert into contacts (id, workspace_id, wa_id, phone_e164, country, created_at, updated_at)
        select c.id, ${s.workspaceId}, c.wa_id, '+' || c.wa_id, 'JP', ${now}, ${now}
        from unnest(${contacts}::uuid[], ${waIds}::text[]) as c(id, wa_id)`.execute(tx);
      await sql`insert into conversations (id, workspace_id, contact_id, phone_number_id, created_at, updated_at)
        select v.id, ${s.workspaceId}, v.contact_id, ${number.id}, ${now}, ${now}
        from unnest(${convs}::uuid[], ${contacts}::uuid[]) as v(id, contact_id)`.execute(tx);
      const content = JSON.stringify({
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      });
      await sql`insert into messages (id, workspace_id, conversation_id, phone_number_id, contact_id, direction, type,
          content, status, origin, lane, occurred_at, created_at, queued_at)
        select m.id, ${s.workspaceId}, m.conversation_id, ${number.id}, m.contact_id, 'outbound', 'template',
          ${content}::jsonb, 'queued', 'campaign', 'bulk', ${now}, ${now}, ${now}
        from unnest(${ids}::uuid[], ${convs}::uuid[], ${contacts}::uuid[]) as m(id, conversation_id, contact_id)`.execute(
        tx,
      );
    });
  }

  it('a reply queued during a 10,000-message broadcast takes the next send slot', async () => {
    // A customer writes in first, so there is an open window to reply in.
    s.t.simulator!.inbound({
      phoneNumberId: PHONE_NUMBER_ID,
      from: '819012340000',
      name: '山田 太郎',
      message: { type: 'text', text: { body: '注文について質問です' } },
    });
    await s.t.drain();
    const list = await s.api<{ data: ConversationDto[] }>('GET', '/api/v1/conversations?limit=10');
    const conv = list.body.data.find((c) => c.contact?.waId === '819012340000');
    expect(conv).toBeDefined();

    await queueBroadcast();
    await s.t.dispatcher.tick(); // the number's pump starts on the broadcast
    await waitUntil('broadcast under way', () => sentLog().length >= 2 * MPS);

    const reply = await s.api<MessageDto>('POST', `/api/v1/conversations/${conv!.id}/messages`, {
      type: 'text',
      text: { body: 'お問い合わせありがとうございます。担当よりご案内します。' },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    const replyIndex = await waitUntil(
      'reply sent',
      () => {
        const i = sentLog().findIndex((r) => r.to === '819012340000');
        return i >= 0 ? i + 1 : null;
      },
      { timeoutMs: 60_000 },
    );
    await s.t.dispatcher.stop();

    // Bulk sends that reached the simulator after the dispatcher heard of the reply and before the reply: at
    // most those already on the wire at that instant (the in-flight limit); the reply took the next slot.
    // Without lanes it waited behind the claimed batch and the prefetched one (about 2 × MPS sends).
    const bulkBefore = replyIndex - 1 - (sentAtNotice ?? 0);
    expect(sentAtNotice).not.toBeNull();
    expect(bulkBefore).toBeGreaterThanOrEqual(0);
    expect(bulkBefore).toBeLessThanOrEqual(maxInFlightFor(MPS));

    // The broadcast lost nothing and sent nothing twice: every bulk row is sent once or still queued.
    const sent = sentLog().filter((r) => r.to !== '819012340000');
    expect(new Set(sent.map((r) => r.to)).size).toBe(sent.length);
    await s.t.drain(); // outcomes written
    const counts = await s.t.ctx.db
      .selectFrom('messages')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('phone_number_id', '=', number.id)
      .where('lane', '=', 'bulk')
      .groupBy('status')
      .execute();
    const total = counts.reduce((sum, c) => sum + Number(c.n), 0);
    expect(total).toBe(BULK);
    const notQueued = counts.filter((c) => c.status !== 'queued').reduce((sum, c) => sum + Number(c.n), 0);
    expect(notQueued).toBeGreaterThanOrEqual(sent.length);
  });
});
