/**
 * Evaluates a condition tree against a contact at an instant (pure). Semantics, chosen to match what the SQL
 * compilation of segments will do: a missing attribute makes every comparison false (`!=` included) — write
 * `not attr.x exists` to select contacts without it; strings compare after NFKC and case folding; `<`/`>`
 * compare numbers (numeric strings included) or else strings; `contains` is substring on strings and membership
 * on arrays; events in the future do not count.
 */
import type { ComparisonOp, ConditionNode } from '../../../contracts/condition.schemas.ts';
import type { ContactEvent } from '../../../contracts/automation-rules.schemas.ts';

/** What a condition can see of a contact. */
export interface ConditionSubject {
  attributes: Record<string, unknown>;
  tags: readonly string[];
  events: readonly ContactEvent[];
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
  }
}

function fold(s: string): string {
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

function asNumber(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
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

function equals(actual: unknown, expected: string | number | boolean): boolean {
  if (typeof expected === 'boolean') return actual === expected;
  const a = asNumber(actual);
  const b = asNumber(expected);
  if (typeof expected === 'number' || (a !== null && b !== null && typeof actual === 'number'))
    return a !== null && a === b;
  return typeof actual === 'string' || typeof actual === 'number'
    ? fold(String(actual)) === fold(String(expected))
    : false;
}
