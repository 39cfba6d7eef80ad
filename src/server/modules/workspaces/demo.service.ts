import type { Transaction } from 'kysely';
import type { Clock } from '../../../lib/clock.ts';
import type { Database, Db } from '../../db/types.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import { randomToken } from '../../lib/crypto.ts';
import type { InboundItem } from '../messages/messages.rules.ts';
import { newId } from '../../../lib/ids.ts';
import { CompiledAutomationCache, saveAutomation } from '../automation/automation-config.service.ts';
import { registerPhoneNumber } from '../phone-numbers/phone-numbers.service.ts';
import { createWorkspace, type CreatedWorkspace } from './workspaces.service.ts';
import { seedSyntheticContacts } from '../contacts/contacts-resolve.repository.ts';
import { seedSyntheticConversations } from '../conversations/conversations-resolve.repository.ts';
import { seedSyntheticMessages } from '../messages/messages.repository.ts';

/**
 * Applies customer messages the way ingest does (the pipeline's `applyInboundMessages`, handed in by the caller:
 * the demo's conversations are made exactly as real ones, without this module reaching into the pipeline).
 */
export type ApplyInbound = (
  tx: Transaction<Database>,
  clock: Clock,
  items: InboundItem[],
) => Promise<unknown>;

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
  deps: { db: Db; clock: Clock; secrets: SecretBox; applyInbound: ApplyInbound },
  opts: { size?: 'small' | 'large'; email?: string; automation?: boolean } = {},
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
    // Simulator numbers: Tsunagi makes up their tokens and hands them to the simulator (which plays Meta), so
    // they are verified by construction.
    const dto = await registerPhoneNumber(
      deps,
      ws.workspaceId,
      {
        ...n,
        phoneNumberId: pnid,
        wabaId: n.wabaId,
        accessToken: randomToken('EAAG', 24),
        mps: 80,
      },
      clock.now(),
    );
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
  await db.transaction().execute((tx) => deps.applyInbound(tx, clock, items));
  if (opts.automation) await seedDemoAutomation(deps, ws.workspaceId);
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

/**
 * 100k contacts, one conversation each, 10 messages per conversation (1M), in batches of set-based SQL written by
 * the modules that own the tables.
 */
async function seedLarge(db: Db, clock: Clock, workspaceId: string, numberIds: string[]): Promise<void> {
  const now = clock.now();
  const chunk = 10_000;
  for (let start = 0; start < 100_000; start += chunk) {
    const range = { workspaceId, from: start, to: start + chunk - 1, now };
    await db.transaction().execute(async (tx) => {
      await seedSyntheticContacts(tx, range);
      await seedSyntheticConversations(tx, { ...range, numberIds });
      await seedSyntheticMessages(tx, range);
    });
  }
}

const text = (body: string) => ({ type: 'text', text: { body } });

/**
 * A sample automation for the demo, so a first look shows it working: weekday business hours in Tokyo, an away
 * message, answers about returns (short, then detailed), opening hours and delivery, a menu behind 「メニュー」,
 * and 価格/料金/price questions routed to a sales team (the demo owner).
 */
export async function seedDemoAutomation(deps: { db: Db; clock: Clock }, workspaceId: string): Promise<void> {
  const now = deps.clock.now();
  const owner = await deps.db
    .selectFrom('memberships')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  const teamId = newId();
  await deps.db
    .insertInto('teams')
    .values({ id: teamId, workspace_id: workspaceId, name: '営業 Sales', created_at: now, updated_at: now })
    .execute();
  await deps.db
    .insertInto('team_members')
    .values({ team_id: teamId, user_id: owner.user_id, workspace_id: workspaceId })
    .execute();
  await saveAutomation(
    { db: deps.db, clock: deps.clock, cache: new CompiledAutomationCache(1) },
    {
      workspaceId,
      authorUserId: null,
      note: 'Demo',
      config: {
        businessHours: {
          timeZone: 'Asia/Tokyo',
          weekly: Object.fromEntries(
            ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ open: '10:00', close: '19:00' }]]),
          ),
        },
        away: {
          enabled: true,
          response: {
            ...text(
              'お問い合わせありがとうございます。ただいま営業時間外です（平日 10:00〜19:00）。翌営業日に担当者よりご連絡します。',
            ),
            variants: {
              en: text(
                "Thank you for your message. We're closed now (weekdays 10:00–19:00 JST); a person will reply on the next business day.",
              ),
            },
          },
        },
        keywordRules: [
          {
            id: 'returns',
            name: '返品・返金',
            triggers: [{ mode: 'fuzzy', keywords: ['返品', '返金', 'お金を返して', 'refund', 'return'] }],
            response: {
              ...text(
                '返品は商品到着後7日以内に承ります。詳しい手順が必要でしたら、もう一度お尋ねください。',
              ),
              variants: {
                en: text('Returns are accepted within 7 days of delivery. Ask again for the steps.'),
              },
            },
            detailedResponse: {
              ...text(
                '返品の手順: 1) ご注文番号をお知らせください 2) 返送先と送り状をご案内します 3) 商品到着後、3営業日以内に返金します。',
              ),
              variants: {
                en: text(
                  'How to return: 1) send your order number 2) we send the return address and label 3) we refund within 3 business days of receiving the item.',
                ),
              },
            },
          },
          {
            id: 'hours',
            name: '営業時間',
            triggers: [{ mode: 'fuzzy', keywords: ['営業時間', '何時まで', 'opening hours', 'open'] }],
            response: text('営業時間は平日 10:00〜19:00 です。 / We are open weekdays 10:00–19:00 (JST).'),
          },
          {
            id: 'shipping',
            name: '配送',
            triggers: [{ mode: 'fuzzy', keywords: ['配送', '届かない', 'いつ届く', 'shipping', 'delivery'] }],
            response: text(
              '{{#if event.order_placed within 7d}}ご注文の配送状況はこちら: https://shop.example.jp/orders{{else}}通常、ご注文から2〜3日でお届けします。{{/if}}',
            ),
          },
          {
            id: 'menu',
            name: 'メニュー',
            triggers: [{ mode: 'exact', keywords: ['メニュー', 'menu'] }],
            response: { type: 'menu', menuId: 'main' },
          },
        ],
        menus: [
          {
            id: 'main',
            name: 'メインメニュー',
            style: 'buttons',
            header: 'ご用件をお選びください',
            options: [
              { id: 'hours', title: '営業時間', response: text('平日 10:00〜19:00 です。') },
              { id: 'returns', title: '返品について', response: text('返品は商品到着後7日以内に承ります。') },
              { id: 'person', title: '担当者と話す', handoff: true },
            ],
          },
        ],
        routingRules: [
          {
            id: 'sales',
            name: '価格のお問い合わせ',
            triggers: [{ mode: 'fuzzy', keywords: ['価格', '料金', '見積もり', 'price', 'quote'] }],
            action: { teamId },
          },
        ],
      },
    },
  );
}
