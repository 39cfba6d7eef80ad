import { describe, expect, it } from 'vitest';
import { evaluateCondition, type ConditionSubject } from './condition-evaluate.rules.ts';
import { parseCondition } from './condition-parse.rules.ts';
import { ConditionNodeSchema, type ConditionNode } from '../../../contracts/condition.schemas.ts';

const parse = (src: string): ConditionNode => {
  const r = parseCondition(src);
  if (!r.ok) throw new Error(`${r.error.message} at ${r.error.position}`);
  return r.ast;
};
const errorOf = (src: string) => {
  const r = parseCondition(src);
  if (r.ok) throw new Error('expected a syntax error');
  return r.error;
};

describe('parseCondition', () => {
  it('parses the examples of the issue', () => {
    expect(parse('tag:vip and attr.plan = "gold" and event.order_placed within 7d')).toEqual({
      type: 'and',
      items: [
        { type: 'tag', name: 'vip' },
        { type: 'attr', key: 'plan', op: '=', value: 'gold' },
        { type: 'event', name: 'order_placed', withinMs: 7 * 86_400_000, count: null },
      ],
    });
    expect(parse('not event.any within 30d')).toEqual({
      type: 'not',
      item: { type: 'event', name: null, withinMs: 30 * 86_400_000, count: null },
    });
  });

  it('gives "and" precedence over "or", honours parentheses, and produces valid trees', () => {
    const ast = parse('tag:a or tag:b and tag:c');
    expect(ast).toMatchObject({ type: 'or', items: [{ type: 'tag' }, { type: 'and' }] });
    expect(parse('(tag:a or tag:b) and tag:c')).toMatchObject({
      type: 'and',
      items: [{ type: 'or' }, { type: 'tag' }],
    });
    expect(ConditionNodeSchema.safeParse(ast).success).toBe(true);
  });

  it('parses Japanese tag names, nested attributes, counts, numbers, booleans and exists', () => {
    expect(parse('tag:常連')).toEqual({ type: 'tag', name: '常連' });
    expect(parse('attr.address.prefecture = "東京都"')).toMatchObject({ key: 'address.prefecture' });
    expect(parse('attr.visits >= 3')).toMatchObject({ op: '>=', value: 3 });
    expect(parse('attr.newsletter = true')).toMatchObject({ value: true });
    expect(parse('attr.email exists')).toEqual({ type: 'attr_exists', key: 'email' });
    expect(parse('event.order_placed count >= 2 within 12h')).toMatchObject({
      count: { op: '>=', value: 2 },
      withinMs: 12 * 3_600_000,
    });
    expect(parse('attr.note contains "急ぎ \\"至急\\""')).toMatchObject({ value: '急ぎ "至急"' });
  });

  it('parses the activity tier test, and evaluates it against the stored tier (none when there is none)', () => {
    expect(parse('contact.activity_tier = high')).toEqual({ type: 'activity_tier', tier: 'high', op: '=' });
    expect(parse('contact.activity_tier != "None"')).toEqual({
      type: 'activity_tier',
      tier: 'none',
      op: '!=',
    });
    expect(errorOf('contact.activity_tier = hot')).toEqual({
      message: 'expected an activity tier (high, medium, low, none) but found "hot"',
      position: 24,
    });
    const contact = (activityTier: 'high' | 'low' | null): ConditionSubject => ({
      attributes: {},
      tags: [],
      events: [],
      contact: {
        name: null,
        phone: '81',
        country: null,
        createdAt: new Date(0),
        conversations: [],
        inboundAt: [],
        activityTier,
      },
    });
    const now = new Date();
    expect(evaluateCondition(parse('contact.activity_tier = high'), contact('high'), now)).toBe(true);
    expect(evaluateCondition(parse('contact.activity_tier = none'), contact(null), now)).toBe(true);
    expect(evaluateCondition(parse('contact.activity_tier != low'), contact(null), now)).toBe(true);
    expect(evaluateCondition(parse('contact.activity_tier != low'), contact('low'), now)).toBe(false);
    // Automation's subjects carry no contact facts: every contact test is false there.
    expect(
      evaluateCondition(parse('contact.activity_tier = none'), { attributes: {}, tags: [], events: [] }, now),
    ).toBe(false);
  });

  it('reports errors with their position', () => {
    expect(errorOf('tag:vip and')).toEqual({
      message: 'expected "tag:", "attr.", "event.", "contact.", "not" or "(" but found the end',
      position: 11,
    });
    expect(errorOf('tag:vip & tag:x')).toMatchObject({ position: 8, message: 'unexpected character "&"' });
    expect(errorOf('attr.plan = gold')).toMatchObject({ position: 12 });
    expect(errorOf('event.order within 7y')).toMatchObject({ position: 19 });
    expect(errorOf('(tag:a')).toMatchObject({ position: 6, message: 'expected ")" but found the end' });
    expect(errorOf('attr.x = "open')).toMatchObject({ position: 9, message: 'unterminated string' });
    expect(errorOf('tag:a tag:b')).toMatchObject({ position: 6 });
  });

  it('refuses absurd nesting and length', () => {
    const deep = `${'('.repeat(100)}tag:a${')'.repeat(100)}`;
    expect(errorOf(deep)).toMatchObject({ message: 'nested too deeply' });
    expect(errorOf('tag:a or '.repeat(300) + 'tag:b').message).toMatch(/longer than/);
  });
});

describe('evaluateCondition', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const day = 86_400_000;
  const subject: ConditionSubject = {
    attributes: {
      plan: 'Gold',
      visits: '4',
      address: { prefecture: '東京都' },
      interests: ['wine', 'cheese'],
    },
    tags: ['VIP', '常連'],
    events: [
      { name: 'order_placed', at: new Date(now.getTime() - 3 * day) },
      { name: 'order_placed', at: new Date(now.getTime() - 40 * day) },
      { name: 'link_clicked', at: new Date(now.getTime() + day) },
    ],
  };
  const holds = (src: string) => evaluateCondition(parse(src), subject, now);

  it('evaluates tags, attributes and events', () => {
    expect(holds('tag:vip and attr.plan = "gold" and event.order_placed within 7d')).toBe(true);
    expect(holds('tag:常連 and attr.address.prefecture = "東京都"')).toBe(true);
    expect(holds('attr.visits > 3 and attr.visits <= 4')).toBe(true);
    expect(holds('attr.interests contains "wine"')).toBe(true);
    expect(holds('event.order_placed count = 2')).toBe(true);
    expect(holds('event.order_placed count >= 2 within 30d')).toBe(false);
  });

  it('treats missing attributes as false for every comparison and ignores future events', () => {
    expect(holds('attr.missing != "x"')).toBe(false);
    expect(holds('not attr.missing exists')).toBe(true);
    expect(holds('event.link_clicked within 7d')).toBe(false);
    expect(holds('not event.any within 2d')).toBe(true);
    expect(holds('not event.any within 30d')).toBe(false);
  });
});

describe('contact fields', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const day = 86_400_000;
  const ago = (days: number) => new Date(now.getTime() - days * day);
  const subject: ConditionSubject = {
    attributes: { language: 'ja', plan: 'gold', visits: 3 },
    tags: ['VIP', 'wine'],
    events: [],
    contact: {
      name: 'Ｔａｒｏ Yamada',
      phone: '819012345678',
      country: 'JP',
      createdAt: ago(10),
      conversations: [
        {
          phoneNumberId: 'pn-1',
          displayPhoneNumber: '+81 3-1111-2222',
          lastMessageAt: ago(2),
          lastInboundAt: ago(3),
        },
        {
          phoneNumberId: 'pn-2',
          displayPhoneNumber: '+1 555 0100',
          lastMessageAt: ago(40),
          lastInboundAt: null,
        },
      ],
      inboundAt: [ago(3), ago(5), ago(60)],
    },
  };
  const holds = (src: string) => evaluateCondition(parse(src), subject, now);

  it('parses every field into a valid tree', () => {
    const sources = [
      'contact.name contains "taro"',
      'contact.phone starts_with "+81"',
      'contact.country = "jp"',
      'contact.language exists',
      'contact.tags has vip',
      'contact.tags any (vip, "gold member")',
      'contact.tags all (vip, wine)',
      'contact.attributes.visits >= 3',
      'contact.created_at within 30d',
      'conversation.count >= 1 within 7d',
      'inbound.count > 2',
      'last_inbound_at older_than 2d',
      'phone_number = "+81 3-1111-2222"',
    ];
    for (const src of sources) expect(ConditionNodeSchema.safeParse(parse(src)).success, src).toBe(true);
    expect(parse('contact.attributes.plan = "gold"')).toEqual({
      type: 'attr',
      key: 'plan',
      op: '=',
      value: 'gold',
    });
    expect(parse('contact.tags any (a, b)')).toEqual({ type: 'tags', mode: 'any', names: ['a', 'b'] });
    expect(errorOf('contact.age > 3')).toMatchObject({ position: 8 });
    expect(errorOf('contact.tags any (a,')).toMatchObject({
      message: 'expected a tag name but found the end',
    });
    expect(errorOf('inbound.count within 7d')).toMatchObject({ position: 14 });
  });

  it('evaluates text fields folded, phone by digits, tags, ages, counts and numbers', () => {
    expect(holds('contact.name starts_with "taro"')).toBe(true);
    expect(holds('contact.phone starts_with "+81 90"')).toBe(true);
    expect(holds('contact.country = "jp" and contact.language = "JA"')).toBe(true);
    expect(holds('contact.tags all (vip, wine) and not contact.tags has gold')).toBe(true);
    expect(holds('contact.tags any (gold, wine)')).toBe(true);
    expect(holds('contact.created_at within 30d and not contact.created_at older_than 30d')).toBe(true);
    expect(holds('last_inbound_at within 7d')).toBe(true);
    expect(holds('last_inbound_at older_than 3d')).toBe(false);
    expect(holds('conversation.count = 1 within 7d and conversation.count = 2')).toBe(true);
    expect(holds('inbound.count = 2 within 30d and inbound.count = 3')).toBe(true);
    expect(holds('phone_number = "81311112222" and phone_number = "pn-2"')).toBe(true);
    expect(holds('phone_number = "+44 20"')).toBe(false);
  });

  it('fails contact tests when the subject carries no contact facts (automation)', () => {
    expect(evaluateCondition(parse('contact.country = "JP"'), { ...subject, contact: undefined }, now)).toBe(
      false,
    );
    expect(evaluateCondition(parse('not inbound.count > 0'), { ...subject, contact: undefined }, now)).toBe(
      true,
    );
  });
});
