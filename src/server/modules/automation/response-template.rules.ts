/**
 * Conditional content in automatic replies (pure). A text in a response may contain
 *
 *   {{#if event.order_placed within 7d}}Your order: https://shop.example/orders{{else}}…{{/if}}
 *   {{contact.name}}  {{contact.attr.plan}}
 *
 * Conditions are the condition language shared with segments (condition-parse.rules.ts). Blocks do not nest:
 * a reply needs a line or two that depend on the contact, not a template engine, and a flat grammar is easy to
 * validate when the rule is saved. Variables render as plain text (WhatsApp shows text, nothing is HTML).
 */
import { evaluateCondition, type ConditionSubject } from '../conditions/condition-evaluate.rules.ts';
import { parseCondition } from '../conditions/condition-parse.rules.ts';

const BLOCK = /\{\{#if\s+([^}]*)\}\}([\s\S]*?)(?:\{\{else\}\}([\s\S]*?))?\{\{\/if\}\}/g;
const VARIABLE = /\{\{\s*contact\.(name|phone|attr\.[\w.-]+)\s*\}\}/g;

/** What a template can see of the contact. */
export interface TemplateSubject extends ConditionSubject {
  name: string | null;
  phone: string | null;
}

/** Errors of the templates in one text: unknown conditions, stray block markers. Empty when valid. */
export function checkTemplate(text: string): string[] {
  const errors: string[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const parsed = parseCondition(m[1] ?? '');
    if (!parsed.ok)
      errors.push(`{{#if ${m[1] ?? ''}}}: ${parsed.error.message} (at ${parsed.error.position})`);
  }
  const rest = text.replace(BLOCK, '');
  if (/\{\{\s*(#if|else|\/if)/.test(rest))
    errors.push('an {{#if}} block is not closed with {{/if}} (blocks cannot nest)');
  return errors;
}

/** Renders one text for a contact at `now`. Invalid conditions (refused at save) render as false. */
export function renderTemplate(text: string, subject: TemplateSubject, now: Date): string {
  const blocks = text.replace(BLOCK, (_all, cond: string, then: string, otherwise: string | undefined) => {
    const parsed = parseCondition(cond);
    return parsed.ok && evaluateCondition(parsed.ast, subject, now) ? then : (otherwise ?? '');
  });
  return blocks
    .replace(VARIABLE, (_all, key: string) => {
      if (key === 'name') return subject.name ?? '';
      if (key === 'phone') return subject.phone ?? '';
      const value = lookup(subject.attributes, key.slice('attr.'.length));
      return value === undefined || value === null ? '' : String(value);
    })
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function lookup(attributes: Record<string, unknown>, path: string): unknown {
  let cur: unknown = attributes;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Paths of the customer-visible texts of a message, where templates may appear. */
const TEXT_PATHS = [
  ['text', 'body'],
  ['image', 'caption'],
  ['video', 'caption'],
  ['document', 'caption'],
  ['interactive', 'body', 'text'],
  ['interactive', 'footer', 'text'],
] as const;

/** Applies `fn` to each text of a message content (a copy; the original is not changed). */
export function mapTexts(
  content: Record<string, unknown>,
  fn: (text: string) => string,
): Record<string, unknown> {
  const copy = structuredClone(content);
  for (const path of TEXT_PATHS) {
    let parent: Record<string, unknown> | undefined = copy;
    for (const key of path.slice(0, -1)) {
      const next: unknown = parent?.[key];
      parent = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : undefined;
    }
    const last = path[path.length - 1] as string;
    if (parent && typeof parent[last] === 'string') parent[last] = fn(parent[last]);
  }
  return copy;
}

/** Every template error in a message content, as messages naming the field. */
export function checkContentTemplates(content: unknown): string[] {
  if (typeof content !== 'object' || content === null) return [];
  const errors: string[] = [];
  mapTexts(content as Record<string, unknown>, (t) => {
    errors.push(...checkTemplate(t));
    return t;
  });
  return errors;
}
