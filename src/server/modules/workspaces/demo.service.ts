import { sql } from 'kysely';
import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import { randomToken } from '../../lib/crypto.ts';
import { applyInboundMessages, type InboundItem } from '../../pipeline/inbound-apply.ts';
import { registerPhoneNumber } from '../phone-numbers/phone-numbers.service.ts';
import { createWorkspace, type CreatedWorkspace } from './workspaces.service.ts';

/** The simulator numbers a demo workspace gets. Cloud API ids are fake but shaped like Meta's. */
export const DEMO_NUMBERS = [
  {
    phoneNumberId: '109000000000001',
    displayPhoneNumber: '+81 3-4567-8900',
    wabaId: '209000000000001',
    label: '東京本店 Tokyo',
  },
  {
    phoneNumberId: '109000000000002',
    displayPhoneNumber: '+81 6-4567-8900',
    wabaId: '209000000000001',
    label: '大阪店 Osaka',
  },
] as const;

const DEMO_CUSTOMERS: Array<{ waId: string; name: string; texts: string[] }> = [
  {
    waId: '819012345601',
    name: '佐藤 花子',
    texts: ['こんにちは、注文した商品がまだ届きません。', '注文番号は A-1024 です。'],
  },
  { waId: '819012345602', name: '鈴木 一郎', texts: ['返品したいのですが、どうすればいいですか？'] },
  { waId: '819012345603', name: '高橋 美咲', texts: ['営業時間を教えてください 🙏'] },
  { waId: '819012345604', name: 'Tanaka Ken', texts: ['Hi! Do you ship to Hokkaido?'] },
  {
    waId: '14155550101',
    name: 'Emily Carter',
    texts: ['Hello, is the blue jacket still in stock?', 'Size M please.'],
  },
  { waId: '819012345605', name: '伊藤 翔', texts: ['価格について質問があります。'] },
];

export interface DemoSeed extends CreatedWorkspace {
  phoneNumbers: Array<{ id: string; phoneNumberId: string }>;
}

/**
 * Seeds a demo workspace: an owner login, two simulator numbers and a handful of Japanese and English
 * customer conversations, applied through the same code path as webhooks. `large` adds 100,000 contacts
 * and 1,000,000 messages with set-based SQL, for benchmarks.
 */
export async function seedDemo(
  deps: { db: Db; clock: Clock; secrets: SecretBox },
  opts: { size?: 'small' | 'large'; email?: string } = {},
): Promise<DemoSeed> {
  const { db, clock } = deps;
  const email =
    opts.email ??
    ((await emailTaken(db, 'demo@tsunagi.local'))
      ? `demo+${randomToken('', 4).toLowerCase()}@tsunagi.local`
      : 'demo@tsunagi.local');
  const ws = await createWorkspace(db, clock, {
    name: 'Demo 株式会社つなぎ',
    email,
    ownerName: 'Demo Owner',
  });
  const phoneNumbers: DemoSeed['phoneNumbers'] = [];
  for (const n of DEMO_NUMBERS) {
    const pnid = (await taken(db, n.phoneNumberId)) ? uniquePnid() : n.phoneNumberId;
    const dto = await registerPhoneNumber(deps, ws.workspaceId, {
      ...n,
      phoneNumberId: pnid,
      wabaId: n.wabaId,
      accessToken: randomToken('EAAG', 24),
      mps: 80,
    });
    phoneNumbers.push({ id: dto.id, phoneNumberId: dto.phoneNumberId });
  }
  const numbers = await db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('workspace_id', '=', ws.workspaceId)
    .execute();
  const items: InboundItem[] = [];
  const baseSeconds = Math.floor(clock.nowMs() / 1000) - 3 * 3600;
  DEMO_CUSTOMERS.forEach((c, ci) => {
    const number = numbers[ci % numbers.length];
    if (!number) return;
    c.texts.forEach((body, ti) => {
      items.push({
        number,
        wamid: `wamid.DEMO${ws.workspaceId.slice(-8)}${ci}${ti}`,
        from: c.waId,
        profileName: c.name,
        timestamp: baseSeconds + ci * 600 + ti * 30,
        type: 'text',
        content: { type: 'text', text: { body } },
      });
    });
  });
  await db.transaction().execute((tx) => applyInboundMessages(tx, clock, items));
  if (opts.size === 'large')
    await seedLarge(
      db,
      clock,
      ws.workspaceId,
      numbers.map((n) => n.id),
    );
  return { ...ws, phoneNumbers };
}

async function emailTaken(db: Db, email: string): Promise<boolean> {
  return (
    (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) !== undefined
  );
}

async function taken(db: Db, pnid: string): Promise<boolean> {
  return (
    (await db
      .selectFrom('phone_numbers')
      .select('id')
      .where('phone_number_id', '=', pnid)
      .where('deleted_at', 'is', null)
      .executeTakeFirst()) !== undefined
  );
}

function uniquePnid(): string {
  return '1' + String(Date.now()).slice(-9) + String(Math.floor(Math.random() * 1e5)).padStart(5, '0');
}

/** 100k contacts, one conversation each, 10 messages per conversation (1M), in batches of set-based SQL. */
async function seedLarge(db: Db, clock: Clock, workspaceId: string, numberIds: string[]): Promise<void> {
  const now = clock.now();
  const chunk = 10_000;
  for (let start = 0; start < 100_000; start += chunk) {
    await db.transaction().execute(async (tx) => {
      await sql`
        with c as (
          insert into contacts (id, workspace_id, wa_id, phone_e164, profile_name, created_at, updated_at)
          select gen_random_uuid(), ${workspaceId}::uuid, (819000000000 + g)::text, '+' || (819000000000 + g)::text,
                 'Customer ' || g, ${now}::timestamptz, ${now}::timestamptz
          from generate_series(${start}::int, ${start + chunk - 1}::int) g
          returning id, wa_id)
        insert into conversations (id, workspace_id, contact_id, phone_number_id, last_inbound_at, last_message_at, last_message_preview, unread_count, created_at, updated_at)
        select gen_random_uuid(), ${workspaceId}::uuid, c.id, (${sql.val(numberIds)}::uuid[])[1 + (c.wa_id::bigint % ${numberIds.length})],
               ${now}::timestamptz - interval '1 hour', ${now}::timestamptz - interval '1 hour', 'Message 10', 1, ${now}::timestamptz, ${now}::timestamptz
        from c`.execute(tx);
      await sql`
        insert into messages (id, workspace_id, conversation_id, phone_number_id, contact_id, direction, type, content, wamid, status, origin, occurred_at, created_at)
        select gen_random_uuid(), cv.workspace_id, cv.id, cv.phone_number_id, cv.contact_id,
               case when m % 2 = 0 then 'outbound' else 'inbound' end, 'text',
               jsonb_build_object('type', 'text', 'text', jsonb_build_object('body', 'Message ' || m)),
               'wamid.LARGE' || replace(cv.id::text, '-', '') || m,
               case when m % 2 = 0 then 'read' else 'received' end,
               case when m % 2 = 0 then 'agent' else 'customer' end,
               ${now}::timestamptz - interval '1 hour' - (10 - m) * interval '1 minute', ${now}::timestamptz
        from conversations cv
        join contacts ct on ct.id = cv.contact_id
        cross join generate_series(1, 10) m
        where cv.workspace_id = ${workspaceId}::uuid and ct.wa_id::bigint - 819000000000 between ${start} and ${start + chunk - 1}`.execute(
        tx,
      );
    });
  }
}
