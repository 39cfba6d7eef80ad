/**
 * Property test: the SQL compilation of a condition selects exactly the contacts the in-memory evaluator accepts.
 * Random populations (contacts with names, phones, attributes of every JSON type, tags, events, conversations on
 * two numbers, inbound messages) are written to real SQL (PGlite, or PostgreSQL with TEST_DATABASE_URL); random
 * conditions over every node type are then run both ways.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConditionNode } from '../../src/contracts/condition.schemas.ts';
import { newId } from '../../src/lib/ids.ts';
import {
  evaluateCondition,
  type ConditionSubject,
  type ContactFacts,
} from '../../src/server/modules/conditions/condition-evaluate.rules.ts';
import { compileCondition } from '../../src/server/modules/conditions/condition-sql.rules.ts';
import { createTestApp, seedPhoneNumber, seedWorkspace, type TestApp } from '../support/app.ts';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

const texts = [
  'gold',
  'Gold',
  'GOLD',
  'silver',
  '3',
  '03',
  ' 4 ',
  '-2.5',
  '.5',
  '10',
  '',
  'abc',
  'ｇｏｌｄ',
  '東京都',
  'ja',
];
const jsonScalar = fc.oneof(
  fc.constantFrom(...texts),
  fc.constantFrom(3, 0.5, -2.5, 10, 0, 4),
  fc.boolean(),
  fc.constant(null),
);
const jsonValue = fc.oneof(
  { weight: 5, arbitrary: jsonScalar },
  { weight: 1, arbitrary: fc.array(jsonScalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.record({ prefecture: jsonScalar }, { requiredKeys: [] }) },
);
const attrKeys = ['plan', 'visits', 'language', 'address', 'address.prefecture'];
const tagNames = ['vip', 'VIP', 'wine', '常連', 'gold'];
const eventNames = ['order_placed', 'clicked'];
const offset = fc.integer({ min: -3, max: 120 }); // days ago; negative is the future

interface GenContact {
  name: string | null;
  profileName: string | null;
  waId: string;
  country: string | null;
  attributes: Record<string, unknown>;
  tags: string[];
  createdDaysAgo: number;
  events: Array<{ name: string; daysAgo: number }>;
  conversations: Array<{
    number: 0 | 1;
    lastMessage: number | null;
    lastInbound: number | null;
    inbound: number[];
  }>;
  consent: 'opted_in' | 'opted_out' | 'unknown' | null;
  activityTier: 'high' | 'medium' | 'low' | null;
}

const contactArb: fc.Arbitrary<GenContact> = fc.record({
  name: fc.constantFrom(null, 'Taro', 'ｔａｒｏ Yamada', '花子', 'Hanako'),
  profileName: fc.constantFrom(null, 'taro', 'Jiro'),
  waId: fc.constantFrom('819012345678', '818012345678', '14155550134', '447700900123'),
  country: fc.constantFrom(null, 'JP', 'jp', 'US', 'GB'),
  attributes: fc.record(
    { plan: jsonValue, visits: jsonValue, language: jsonValue, address: jsonValue },
    { requiredKeys: [] },
  ),
  tags: fc.uniqueArray(fc.constantFrom(...tagNames), { maxLength: 3 }),
  createdDaysAgo: fc.integer({ min: 0, max: 120 }),
  events: fc.array(fc.record({ name: fc.constantFrom(...eventNames), daysAgo: offset }), { maxLength: 4 }),
  conversations: fc.uniqueArray(
    fc.record({
      number: fc.constantFrom(0 as const, 1 as const),
      lastMessage: fc.option(offset),
      lastInbound: fc.option(offset),
      inbound: fc.array(offset, { maxLength: 4 }),
    }),
    { selector: (c) => c.number, maxLength: 2 },
  ),
  // null: no consent row; 'unknown' is also a row (a consent withdrawn to unknown)
  consent: fc.constantFrom(null, 'opted_in' as const, 'opted_out' as const, 'unknown' as const),
  // the stored tier (the hourly job's output), null when none applies
  activityTier: fc.constantFrom(null, 'high' as const, 'medium' as const, 'low' as const),
});

const order = fc.constantFrom('=', '!=', '>', '>=', '<', '<=' as const);
const duration = fc.constantFrom(1, 7, 30, 90).map((d) => d * DAY);
const literal = fc.oneof(fc.constantFrom(...texts), fc.constantFrom(3, 0.5, 10, -2.5), fc.boolean());

function conditionArb(numberIds: string[]): fc.Arbitrary<ConditionNode> {
  const leaf: fc.Arbitrary<ConditionNode> = fc.oneof(
    fc.record({ type: fc.constant('tag' as const), name: fc.constantFrom(...tagNames, 'none') }),
    fc.record({
      type: fc.constant('tags' as const),
      mode: fc.constantFrom('has' as const, 'any' as const, 'all' as const),
      names: fc.array(fc.constantFrom(...tagNames, 'none'), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({ type: fc.constant('attr_exists' as const), key: fc.constantFrom(...attrKeys) }),
    fc.record({
      type: fc.constant('attr' as const),
      key: fc.constantFrom(...attrKeys),
      op: fc.constantFrom('=', '!=', '>', '>=', '<', '<=', 'contains' as const),
      value: literal,
    }),
    fc.record({
      type: fc.constant('event' as const),
      name: fc.constantFrom(null, ...eventNames),
      withinMs: fc.option(duration),
      count: fc.option(fc.record({ op: order, value: fc.integer({ min: 0, max: 3 }) })),
    }),
    fc.record({
      type: fc.constant('field' as const),
      field: fc.constantFrom('name' as const, 'phone' as const, 'country' as const, 'language' as const),
      op: fc.constantFrom('=' as const, '!=' as const, 'contains' as const, 'starts_with' as const),
      value: fc.constantFrom(
        'taro',
        'TARO',
        'Ta',
        'jp',
        'ja',
        '+81',
        '+81 90-1234-5678',
        '1415',
        '',
        'gold',
        '花',
      ),
    }),
    fc.record({
      type: fc.constant('field_exists' as const),
      field: fc.constantFrom('name' as const, 'phone' as const, 'country' as const, 'language' as const),
    }),
    fc.record({
      type: fc.constant('age' as const),
      field: fc.constantFrom('created_at' as const, 'last_inbound_at' as const),
      relation: fc.constantFrom('within' as const, 'older_than' as const),
      ms: duration,
    }),
    fc.record({
      type: fc.constant('activity' as const),
      what: fc.constantFrom('conversations' as const, 'inbound' as const),
      withinMs: fc.option(duration),
      count: fc.option(fc.record({ op: order, value: fc.integer({ min: 0, max: 3 }) })),
    }),
    fc.record({
      type: fc.constant('consent' as const),
      purpose: fc.constant('marketing' as const),
      state: fc.constantFrom('opted_in' as const, 'opted_out' as const, 'unknown' as const),
      op: fc.constantFrom('=' as const, '!=' as const),
    }),
    fc.record({
      type: fc.constant('activity_tier' as const),
      tier: fc.constantFrom('high' as const, 'medium' as const, 'low' as const, 'none' as const),
      op: fc.constantFrom('=' as const, '!=' as const),
    }),
    fc.record({
      type: fc.constant('phone_number' as const),
      value: fc.constantFrom(...numberIds, '+81 3-1111-2222', '15550100', '+44'),
    }),
  );
  const { tree } = fc.letrec<{ tree: ConditionNode }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({
        type: fc.constantFrom('and' as const, 'or' as const),
        items: fc.array(tie('tree'), { minLength: 2, maxLength: 3 }),
      }),
      fc.record({ type: fc.constant('not' as const), item: tie('tree') }),
    ),
  }));
  return tree;
}

describe('compileCondition agrees with evaluateCondition', () => {
  let t: TestApp;
  let workspaceId: string;
  let otherWorkspaceId: string;
  let numbers: Array<{ id: string; display: string }>;
  const subjects = new Map<string, ConditionSubject>();

  beforeAll(async () => {
    t = await createTestApp({ now: NOW.toISOString() });
    workspaceId = (await seedWorkspace(t.ctx)).workspaceId;
    otherWorkspaceId = (await seedWorkspace(t.ctx)).workspaceId;
    numbers = [];
    for (const display of ['+81 3-1111-2222', '+1 555-0100']) {
      const n = await seedPhoneNumber(t.ctx, workspaceId, { displayPhoneNumber: display });
      numbers.push({ id: n.id, display });
    }
    const population = fc.sample(contactArb, { seed: 20261205, numRuns: 60 });
    for (const [i, c] of population.entries()) await insertContact(c, i, workspaceId);
    // The same people in another workspace must never show up.
    const otherNumber = await seedPhoneNumber(t.ctx, otherWorkspaceId, {
      displayPhoneNumber: '+81 3-1111-2222',
    });
    for (const [i, c] of population.slice(0, 20).entries())
      await insertContact(c, i, otherWorkspaceId, otherNumber.id);
  });
  afterAll(async () => t?.close());

  async function insertContact(c: GenContact, index: number, ws: string, onlyNumber?: string): Promise<void> {
    const db = t.ctx.db;
    const id = newId();
    const waId = `${c.waId}${String(index).padStart(2, '0')}`;
    await db
      .insertInto('contacts')
      .values({
        id,
        workspace_id: ws,
        wa_id: waId,
        phone_e164: null,
        profile_name: c.profileName,
        name: c.name,
        country: c.country,
        timezone: null,
        attributes: JSON.stringify(c.attributes),
        activity_tier: c.activityTier,
        created_at: ago(c.createdDaysAgo),
        updated_at: ago(c.createdDaysAgo),
      })
      .execute();
    for (const tag of c.tags)
      await db
        .insertInto('contact_tags')
        .values({ workspace_id: ws, contact_id: id, tag, created_at: NOW })
        .execute();
    for (const e of c.events)
      await db
        .insertInto('contact_events')
        .values({
          id: newId(),
          workspace_id: ws,
          contact_id: id,
          name: e.name,
          occurred_at: ago(e.daysAgo),
          properties: '{}',
          created_at: NOW,
        })
        .execute();
    if (c.consent !== null)
      await db
        .insertInto('contact_consents')
        .values({
          workspace_id: ws,
          contact_id: id,
          purpose: 'marketing',
          state: c.consent,
          source: 'import',
          changed_at: NOW,
          last_event_id: newId(),
        })
        .execute();
    const facts: ContactFacts = {
      name: c.name ?? c.profileName,
      phone: waId,
      country: c.country,
      createdAt: ago(c.createdDaysAgo),
      conversations: [],
      inboundAt: [],
      marketingConsent: c.consent ?? 'unknown',
      activityTier: c.activityTier,
    };
    for (const conv of c.conversations) {
      const number = numbers[conv.number] as { id: string; display: string };
      const phoneNumberId = onlyNumber ?? number.id;
      const conversationId = newId();
      const lastMessageAt = conv.lastMessage === null ? null : ago(conv.lastMessage);
      const lastInboundAt = conv.lastInbound === null ? null : ago(conv.lastInbound);
      await db
        .insertInto('conversations')
        .values({
          id: conversationId,
          workspace_id: ws,
          contact_id: id,
          phone_number_id: phoneNumberId,
          last_message_at: lastMessageAt,
          last_inbound_at: lastInboundAt,
          created_at: NOW,
          updated_at: NOW,
        })
        .execute()
        .catch(() => undefined); // the other workspace has one number: the second conversation is a duplicate
      for (const daysAgo of conv.inbound) {
        await db
          .insertInto('messages')
          .values({
            id: newId(),
            workspace_id: ws,
            conversation_id: conversationId,
            phone_number_id: phoneNumberId,
            contact_id: id,
            direction: 'inbound',
            type: 'text',
            content: '{}',
            status: 'received',
            origin: 'customer',
            occurred_at: ago(daysAgo),
            created_at: NOW,
          })
          .execute()
          .catch(() => undefined);
        facts.inboundAt = [...facts.inboundAt, ago(daysAgo)];
      }
      facts.conversations = [
        ...facts.conversations,
        { phoneNumberId: number.id, displayPhoneNumber: number.display, lastMessageAt, lastInboundAt },
      ];
      // an outbound message does not count as inbound
      await db
        .insertInto('messages')
        .values({
          id: newId(),
          workspace_id: ws,
          conversation_id: conversationId,
          phone_number_id: phoneNumberId,
          contact_id: id,
          direction: 'outbound',
          type: 'text',
          content: '{}',
          status: 'sent',
          origin: 'agent',
          occurred_at: ago(1),
          created_at: NOW,
        })
        .execute()
        .catch(() => undefined);
    }
    if (ws === workspaceId)
      subjects.set(id, {
        attributes: c.attributes,
        tags: c.tags,
        events: c.events.map((e) => ({ name: e.name, at: ago(e.daysAgo) })),
        contact: facts,
      });
  }

  async function selectIds(node: ConditionNode): Promise<string[]> {
    const where = compileCondition(node, { now: NOW, contactAlias: 'c' });
    const rows = await t.ctx.db
      .selectFrom('contacts as c')
      .select('c.id')
      .where('c.workspace_id', '=', workspaceId)
      .where(where)
      .orderBy('c.id')
      .execute();
    return rows.map((r) => r.id);
  }

  function expectedIds(node: ConditionNode): string[] {
    return [...subjects]
      .filter(([, s]) => evaluateCondition(node, s, NOW))
      .map(([id]) => id)
      .sort();
  }

  it('on random conditions over a random population', async () => {
    expect(subjects.size).toBe(60);
    let partial = 0;
    await fc.assert(
      fc.asyncProperty(conditionArb(numbers.map((n) => n.id)), async (node) => {
        const expected = expectedIds(node);
        expect(await selectIds(node)).toEqual(expected);
        if (expected.length > 0 && expected.length < subjects.size) partial++;
      }),
      { seed: 42, numRuns: 400 },
    );
    // Most conditions split the population: the agreement is not "both select nothing".
    expect(partial).toBeGreaterThan(200);
  });

  it('selects something for most leaves (the population is not degenerate)', async () => {
    const hits = await selectIds({ type: 'attr', key: 'visits', op: '>=', value: 3 });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThan(60);
  });

  it('binds every value as a parameter', () => {
    const compiled = compileCondition(
      { type: 'field', field: 'name', op: '=', value: "x'; DROP TABLE contacts; --" },
      { now: NOW, contactAlias: 'c' },
    ).compile(t.ctx.db);
    expect(compiled.sql).not.toContain('DROP');
    expect(compiled.parameters).toContain("x'; drop table contacts; --");
    expect(() => compileCondition({ type: 'tag', name: 'a' }, { now: NOW, contactAlias: 'c; x' })).toThrow();
  });
});
