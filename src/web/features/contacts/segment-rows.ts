/**
 * The segment builder's rows and the condition tree they stand for: each row is one test (a field, an operator, a
 * value, optionally negated); the rows are joined by AND or OR. Pure: `rowsToCondition` makes the tree the API
 * previews and saves, `conditionToRows` reads a saved tree back (null when it is not one of these shapes).
 */
import type { ConditionNode } from '../../../contracts/condition.schemas.ts';

/** What a row tests. */
export type RowField =
  | 'tag'
  | 'attribute'
  | 'consent'
  | 'country'
  | 'name'
  | 'last_inbound'
  | 'created'
  | 'conversations'
  | 'event';

/** Operators offered per field (the first is the default). */
export const FIELD_OPS: Record<RowField, readonly string[]> = {
  tag: ['has'],
  attribute: ['=', '!=', '>', '>=', '<', '<=', 'contains', 'exists'],
  consent: ['=', '!='],
  country: ['=', '!=', 'contains', 'starts_with'],
  name: ['contains', '=', '!=', 'starts_with'],
  last_inbound: ['within', 'older_than'],
  created: ['within', 'older_than'],
  conversations: ['>=', '>', '=', '<', '<=', '!='],
  event: ['within', 'ever'],
};

/** Fields in the order the builder offers them. */
export const ROW_FIELDS = Object.keys(FIELD_OPS) as RowField[];

/** One row of the builder. `key` is the attribute key or event name; durations are in days. */
export interface SegmentRow {
  id: number;
  negate: boolean;
  field: RowField;
  key: string;
  op: string;
  value: string;
}

const DAY = 86_400_000;

/** A new row testing `field` with its default operator. */
export function newRow(id: number, field: RowField = 'tag'): SegmentRow {
  return {
    id,
    negate: false,
    field,
    key: '',
    op: FIELD_OPS[field][0]!,
    value: field === 'consent' ? 'opted_in' : '',
  };
}

/** A value typed in the attribute row: a number or true/false when it reads as one, else text. */
function literal(v: string): string | number | boolean {
  const t = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  return t;
}

function days(v: string): number | null {
  const n = Number(v.trim());
  return Number.isFinite(n) && n > 0 ? Math.round(n * DAY) : null;
}

/** The condition of one row, or null while it is incomplete. */
export function rowToNode(r: SegmentRow): ConditionNode | null {
  const v = r.value.trim();
  const node = ((): ConditionNode | null => {
    switch (r.field) {
      case 'tag':
        return v ? { type: 'tag', name: v } : null;
      case 'attribute':
        if (!r.key.trim()) return null;
        if (r.op === 'exists') return { type: 'attr_exists', key: r.key.trim() };
        return v ? { type: 'attr', key: r.key.trim(), op: r.op as '=', value: literal(v) } : null;
      case 'consent':
        return { type: 'consent', purpose: 'marketing', state: v as 'opted_in', op: r.op as '=' };
      case 'country':
      case 'name':
        return v
          ? {
              type: 'field',
              field: r.field,
              op: r.op as '=',
              value: r.field === 'country' ? v.toUpperCase() : v,
            }
          : null;
      case 'last_inbound':
      case 'created': {
        const ms = days(v);
        const field = r.field === 'created' ? 'created_at' : 'last_inbound_at';
        return ms ? { type: 'age', field, relation: r.op as 'within', ms } : null;
      }
      case 'conversations': {
        const n = Number(v);
        return v !== '' && Number.isInteger(n) && n >= 0
          ? { type: 'activity', what: 'conversations', withinMs: null, count: { op: r.op as '=', value: n } }
          : null;
      }
      case 'event': {
        const name = r.key.trim() || null;
        if (r.op === 'ever') return { type: 'event', name, withinMs: null, count: null };
        const ms = days(v);
        return ms ? { type: 'event', name, withinMs: ms, count: null } : null;
      }
    }
  })();
  return node && r.negate ? { type: 'not', item: node } : node;
}

/** The condition of all rows joined by `join` (incomplete rows are left out), or null without a complete row. */
export function rowsToCondition(rows: readonly SegmentRow[], join: 'and' | 'or'): ConditionNode | null {
  const items = rows.map(rowToNode).filter((n): n is ConditionNode => n !== null);
  if (items.length === 0) return null;
  return items.length === 1 ? items[0]! : { type: join, items };
}

function nodeToRow(id: number, node: ConditionNode): SegmentRow | null {
  const base = { id, negate: false, key: '', value: '' };
  const inDays = (ms: number) => String(Math.round((ms / DAY) * 100) / 100);
  switch (node.type) {
    case 'not': {
      const inner = node.item.type === 'not' ? null : nodeToRow(id, node.item);
      return inner ? { ...inner, negate: true } : null;
    }
    case 'tag':
      return { ...base, field: 'tag', op: 'has', value: node.name };
    case 'tags':
      return node.names.length === 1 ? { ...base, field: 'tag', op: 'has', value: node.names[0]! } : null;
    case 'attr':
      return { ...base, field: 'attribute', key: node.key, op: node.op, value: String(node.value) };
    case 'attr_exists':
      return { ...base, field: 'attribute', key: node.key, op: 'exists' };
    case 'consent':
      return { ...base, field: 'consent', op: node.op, value: node.state };
    case 'field':
      return node.field === 'country' || node.field === 'name'
        ? { ...base, field: node.field, op: node.op, value: node.value }
        : null;
    case 'age':
      return {
        ...base,
        field: node.field === 'created_at' ? 'created' : 'last_inbound',
        op: node.relation,
        value: inDays(node.ms),
      };
    case 'activity':
      return node.what === 'conversations' && node.withinMs === null && node.count
        ? { ...base, field: 'conversations', op: node.count.op, value: String(node.count.value) }
        : null;
    case 'event':
      return node.count
        ? null
        : node.withinMs === null
          ? { ...base, field: 'event', key: node.name ?? '', op: 'ever' }
          : { ...base, field: 'event', key: node.name ?? '', op: 'within', value: inDays(node.withinMs) };
    default:
      return null;
  }
}

/** The rows and join of a saved condition, or null when the builder cannot show it as rows. */
export function conditionToRows(node: ConditionNode): { rows: SegmentRow[]; join: 'and' | 'or' } | null {
  const items = node.type === 'and' || node.type === 'or' ? node.items : [node];
  const rows = items.map((item, i) => nodeToRow(i + 1, item));
  if (rows.some((r) => r === null)) return null;
  return { rows: rows as SegmentRow[], join: node.type === 'or' ? 'or' : 'and' };
}
