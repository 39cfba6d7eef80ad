/**
 * Evaluates a condition tree against a contact at an instant (pure). Semantics, chosen to match what the SQL
 * compilation of segments will do: a missing attribute makes every comparison false (`!=` included) — write
 * `not attr.x exists` to select contacts without it; strings compare after NFKC and case folding; `<`/`>`
 * compare numbers (numeric strings included) or else strings; `contains` is substring on strings and membership
 * on arrays; events in the future do not count. `condition-sql.rules.ts` compiles the same tree to SQL with the same
 * answers (a property test holds them together), so a change here changes there.
 *
 * Contact fields (`contact.*`, conversation and inbound counts, `last_inbound_at`, `phone_number`) read
 * `subject.contact`; a subject without it (automation today) fails every such test, like a missing attribute.
 */
import type { ComparisonOp, ConditionNode, TextOp } from '../../../contracts/condition.schemas.ts';
import type { ContactEvent } from '../../../contracts/automation-rules.schemas.ts';

/** What a condition can see of a contact. */
export interface ConditionSubject {
  attributes: Record<string, unknown>;
  tags: readonly string[];
  events: readonly ContactEvent[];
  /** The contact's row and activity, for segments; absent where the caller does not load it. */
  contact?: ContactFacts;
}

/** A contact's own fields and activity, as the SQL compiler sees them in its tables. */
export interface ContactFacts {
  /** `name`, else `profile_name` (contacts). */
  name: string | null;
  /** wa_id: digits, no `+`. */
  phone: string;
  country: string | null;
  createdAt: Date;
  /** One per conversation (a contact talks to each of our numbers in one conversation). */
  conversations: readonly ContactConversationFacts[];
  /** Instants of the contact's inbound messages. */
  inboundAt: readonly Date[];
  /** The contact's marketing consent (the consent module's state); absent = `unknown`. */
  marketingConsent?: 'opted_in' | 'opted_out' | 'unknown';
  /** The stored activity tier (`contacts.activity_tier`, recomputed hourly); absent or null = `none`. */
  activityTier?: 'high' | 'medium' | 'low' | null;
}

/** What a condition sees of one conversation. */
export interface ContactConversationFacts {
  /** Our phone number's id (phone_numbers.id). */
  phoneNumberId: string;
  displayPhoneNumber: string;
  lastMessageAt: Date | null;
  lastInboundAt: Date | null;
}

/** Whether the contact satisfies the condition at `now`. */
export function evaluateCondition(node: ConditionNode, subject: ConditionSubject, now: Date): boolean {
  switch (node.type) {
    case 'and':
      return node.items.every((n) => evaluateCondition(n, subject, now));
    case 'or':
      return node.items.some((n) => evaluateCondition(n, subject, now));
    case 'not':
      return !evaluateCondition(node.item, subject, now);
    case 'tag': {
      const wanted = fold(node.name);
      return subject.tags.some((t) => fold(t) === wanted);
    }
    case 'attr_exists': {
      const v = lookup(subject.attributes, node.key);
      return v !== undefined && v !== null;
    }
    case 'attr': {
      const v = lookup(subject.attributes, node.key);
      return v !== undefined && v !== null && compare(v, node.op, node.value);
    }
    case 'event': {
      const from = node.withinMs === null ? -Infinity : now.getTime() - node.withinMs;
      let n = 0;
      for (const e of subject.events) {
        const at = e.at.getTime();
        if (at <= now.getTime() && at >= from && (node.name === null || e.name === node.name)) n++;
      }
      return node.count === null ? n > 0 : compare(n, node.count.op, node.count.value);
    }
    default:
      return subject.contact !== undefined && evaluateContactTest(node, subject, subject.contact, now);
  }
}

type ContactTest = Extract<
  ConditionNode,
  {
    type:
      'field' | 'field_exists' | 'tags' | 'age' | 'activity' | 'phone_number' | 'consent' | 'activity_tier';
  }
>;

function evaluateContactTest(
  node: ContactTest,
  subject: ConditionSubject,
  c: ContactFacts,
  now: Date,
): boolean {
  const t = now.getTime();
  switch (node.type) {
    case 'field_exists':
      return textField(node.field, subject, c) !== null;
    case 'field': {
      const actual = textField(node.field, subject, c);
      if (actual === null) return false;
      return node.field === 'phone'
        ? compareText(actual, node.op, phoneDigits(node.value))
        : compareText(fold(actual), node.op, fold(node.value));
    }
    case 'tags': {
      const folded = new Set(subject.tags.map(fold));
      const hit = (name: string): boolean => folded.has(fold(name));
      return node.mode === 'all' ? node.names.every(hit) : node.names.some(hit);
    }
    case 'age': {
      const at =
        node.field === 'created_at' ? c.createdAt : latest(c.conversations.map((v) => v.lastInboundAt));
      if (at === null) return false;
      const from = t - node.ms;
      return node.relation === 'within' ? at.getTime() >= from && at.getTime() <= t : at.getTime() < from;
    }
    case 'activity': {
      const from = node.withinMs === null ? -Infinity : t - node.withinMs;
      const instants =
        node.what === 'inbound'
          ? c.inboundAt
          : c.conversations.map((v) => v.lastMessageAt).filter((d) => d !== null);
      const n = instants.filter((d) => d.getTime() <= t && d.getTime() >= from).length;
      return node.count === null ? n > 0 : compare(n, node.count.op, node.count.value);
    }
    case 'phone_number': {
      const digits = phoneDigits(node.value);
      return c.conversations.some(
        (v) =>
          v.phoneNumberId === node.value || (digits !== '' && phoneDigits(v.displayPhoneNumber) === digits),
      );
    }
    case 'consent': {
      const same = (c.marketingConsent ?? 'unknown') === node.state;
      return node.op === '=' ? same : !same;
    }
    case 'activity_tier': {
      const same = (c.activityTier ?? 'none') === node.tier;
      return node.op === '=' ? same : !same;
    }
  }
}

/** A text field's value, or null when the contact has none (`language` is the `language` attribute if text). */
function textField(
  field: Extract<ContactTest, { type: 'field' }>['field'],
  s: ConditionSubject,
  c: ContactFacts,
) {
  if (field === 'name') return c.name;
  if (field === 'phone') return c.phone;
  if (field === 'country') return c.country;
  const language = s.attributes.language;
  return typeof language === 'string' ? language : null;
}

function compareText(actual: string, op: TextOp, expected: string): boolean {
  if (op === '=') return actual === expected;
  if (op === '!=') return actual !== expected;
  if (op === 'contains') return actual.includes(expected);
  return actual.startsWith(expected);
}

function latest(dates: readonly (Date | null)[]): Date | null {
  let best: Date | null = null;
  for (const d of dates) if (d !== null && (best === null || d.getTime() > best.getTime())) best = d;
  return best;
}

/** The digits of a phone number as typed (`+81 90-1234-5678` → `819012345678`); wa_ids are stored so. */
export function phoneDigits(value: string): string {
  return value.replace(/\D/g, '');
}

/** Case- and width-insensitive form of a text: NFKC, then lower case (SQL: `lower(normalize(x, NFKC))`). */
export function fold(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

function lookup(attributes: Record<string, unknown>, key: string): unknown {
  let v: unknown = attributes;
  for (const part of key.split('.')) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** A decimal number written as text (`3`, `-2.5`, ` 10 `): what SQL can also cast, unlike `0x10` or `1e3`. */
export const NUMERIC_TEXT = /^[ \t\n\r]*-?(\d{1,100}(\.\d{0,100})?|\.\d{1,100})[ \t\n\r]*$/;

function asNumber(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && NUMERIC_TEXT.test(v)) return Number(v);
  return null;
}

function compare(actual: unknown, op: ComparisonOp, expected: string | number | boolean): boolean {
  if (op === 'contains') {
    if (Array.isArray(actual)) return actual.some((a) => equals(a, expected));
    return typeof actual === 'string' && fold(actual).includes(fold(String(expected)));
  }
  if (op === '=') return equals(actual, expected);
  if (op === '!=') return !equals(actual, expected);
  const a = asNumber(actual);
  const b = asNumber(expected);
  let order: number;
  if (a !== null && b !== null) order = a - b;
  else if (typeof actual === 'string' && typeof expected === 'string')
    order = fold(actual) < fold(expected) ? -1 : fold(actual) > fold(expected) ? 1 : 0;
  else return false;
  return op === '>' ? order > 0 : op === '>=' ? order >= 0 : op === '<' ? order < 0 : order <= 0;
}

/**
 * `=` by type: a boolean equals only that boolean; a number equals a number or numeric text of the same value; a
 * text equals a number when it is numeric text of that value, else a text with the same folded form.
 */
function equals(actual: unknown, expected: string | number | boolean): boolean {
  if (typeof expected === 'boolean') return actual === expected;
  if (typeof expected === 'number') return asNumber(actual) === expected;
  const b = asNumber(expected);
  if (typeof actual === 'number') return b !== null && actual === b;
  return typeof actual === 'string' && fold(actual) === fold(expected);
}
