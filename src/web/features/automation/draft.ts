/**
 * Pure helpers for editing the automation document locally: server errors → fields and tabs, unique ids,
 * rule ordering by priority, unsaved-changes detection, and a rule pre-filled from an unmatched question.
 */
import { ApiError } from '../../lib/api.ts';
import type { DocError, KeywordRule } from './types.ts';

/** The automation screen's tabs, in navigation order. */
export const TABS = [
  'overview',
  'hours',
  'welcome',
  'rules',
  'menus',
  'routing',
  'handoff',
  'versions',
  'tester',
] as const;
export type Tab = (typeof TABS)[number];

/** The errors of a 422 `invalid_automation` answer (empty for anything else). */
export function docErrorsOf(e: unknown): DocError[] {
  if (!(e instanceof ApiError) || e.code !== 'invalid_automation') return [];
  const list = e.details?.errors;
  if (!Array.isArray(list)) return [];
  return list.flatMap((x: unknown) => {
    if (typeof x !== 'object' || x === null) return [];
    const { code, message, path } = x as Record<string, unknown>;
    return typeof message === 'string'
      ? [
          {
            code: typeof code === 'string' ? code : 'invalid',
            message,
            path: typeof path === 'string' ? path : '',
          },
        ]
      : [];
  });
}

/**
 * Errors for a field: those at `path` exactly and, unless `exact`, those inside it (`keywordRules.2` holds
 * `keywordRules.2.triggers.0.keywords.1`).
 */
export function errorsAt(errors: readonly DocError[], path: string, exact = false): DocError[] {
  return errors.filter((e) => e.path === path || (!exact && e.path.startsWith(`${path}.`)));
}

/** Errors under `path` that no more specific field claims (shown on the enclosing block). */
export function errorsNotUnder(
  errors: readonly DocError[],
  path: string,
  claimed: readonly string[],
): DocError[] {
  return errorsAt(errors, path).filter(
    (e) => !claimed.some((c) => e.path === c || e.path.startsWith(`${c}.`)),
  );
}

/** Which tab shows the field at `path`. */
export function tabOfPath(path: string): Tab {
  const head = path.split('.')[0] ?? '';
  switch (head) {
    case 'businessHours':
      return 'hours';
    case 'welcome':
    case 'away':
      return 'welcome';
    case 'keywordRules':
      return 'rules';
    case 'menus':
      return 'menus';
    case 'routingRules':
    case 'assignment':
      return 'routing';
    case 'handoffMessages':
      return 'handoff';
    default:
      return 'overview';
  }
}

/** Error counts per tab (for the tab badges). */
export function errorCountsByTab(errors: readonly DocError[]): Partial<Record<Tab, number>> {
  const out: Partial<Record<Tab, number>> = {};
  for (const e of errors) {
    const tab = tabOfPath(e.path);
    out[tab] = (out[tab] ?? 0) + 1;
  }
  return out;
}

/** The list index a path names under `list` (`keywordRules.3.name` → 3 for `keywordRules`), or null. */
export function indexInPath(path: string, list: string): number | null {
  const m = new RegExp(`^${list}\\.(\\d+)(?:\\.|$)`).exec(path);
  return m ? Number(m[1]) : null;
}

/** An id not in `taken`: `prefix-1`, `prefix-2`, … (or `o1`, `o2` with `sep` ''). */
export function uniqueId(prefix: string, taken: Iterable<string>, sep = '-'): string {
  const used = new Set(taken);
  for (let i = 1; ; i++) if (!used.has(`${prefix}${sep}${i}`)) return `${prefix}${sep}${i}`;
}

/**
 * The order rules are tried in: priority, higher first; equal priorities by position in the list (indices into
 * `rules`).
 */
export function evaluationOrder(rules: ReadonlyArray<{ priority?: number | undefined }>): number[] {
  return rules
    .map((r, i) => ({ p: r.priority ?? 0, i }))
    .sort((a, b) => b.p - a.p || a.i - b.i)
    .map((x) => x.i);
}

/**
 * Moves rule `index` one step earlier (`-1`) or later (`+1`) in evaluation order: it takes its neighbour's
 * priority and its place next to it in the list, so the order the admin sees is the order the engine uses.
 */
export function moveRule<T extends { priority?: number | undefined }>(
  rules: readonly T[],
  index: number,
  dir: -1 | 1,
): T[] {
  const order = evaluationOrder(rules);
  const pos = order.indexOf(index);
  const neighbour = order[pos + dir];
  const rule = rules[index];
  if (pos === -1 || neighbour === undefined || rule === undefined) return [...rules];
  const moved = { ...rule, priority: rules[neighbour]?.priority ?? 0 };
  const rest = rules.filter((_, i) => i !== index);
  const at = rest.indexOf(rules[neighbour] as T);
  rest.splice(dir === -1 ? at : at + 1, 0, moved);
  return rest;
}

/** A copy of `list` with item `i` replaced. */
export function replaceAt<T>(list: readonly T[], i: number, value: T): T[] {
  return list.map((x, j) => (j === i ? value : x));
}

/** A copy of `list` without item `i`. */
export function removeAt<T>(list: readonly T[], i: number): T[] {
  return list.filter((_, j) => j !== i);
}

/** JSON with object keys sorted, so two documents that differ only in key order compare equal. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/** True when the draft differs from the saved document. */
export function isDirty(saved: unknown, draft: unknown): boolean {
  return stableJson(saved) !== stableJson(draft);
}

/** A new keyword rule (fuzzy, empty text reply); `keyword` pre-fills the first trigger. */
export function newKeywordRule(taken: Iterable<string>, keyword = ''): KeywordRule {
  return {
    id: uniqueId('rule', taken),
    name: keyword.slice(0, 40),
    enabled: true,
    priority: 0,
    triggers: [{ mode: 'fuzzy', keywords: keyword ? [keyword] : [] }],
    exclude: [],
    negationGuard: true,
    scope: { businessHours: 'any' },
    response: { type: 'text', text: { body: '' } },
  };
}

/**
 * A rule from an unmatched customer question: the sample text as its keyword (trimmed of end punctuation,
 * which the matcher folds away anyway).
 */
export function ruleFromUnmatched(sample: string, taken: Iterable<string>): KeywordRule {
  const keyword = sample
    .trim()
    .replace(/[\s?？!！。、.,]+$/u, '')
    .slice(0, 100);
  return newKeywordRule(taken, keyword);
}
