/**
 * Parser of the condition language (pure), e.g.
 *
 *     tag:vip and attr.plan = "gold" and event.order_placed within 7d
 *     contact.country = "JP" and contact.tags any (vip, gold) and inbound.count >= 3 within 30d
 *     not event.any within 30d
 *     (tag:常連 or attr.visits >= 3) and event.order_placed count >= 2 within 90d
 *
 * Grammar (lowest precedence first):
 *
 *     expr    := and ('or' and)*
 *     and     := unary ('and' unary)*
 *     unary   := 'not' unary | '(' expr ')' | test
 *     test    := 'tag' ':' name
 *              | 'attr' '.' path ( op literal | 'exists' )
 *              | 'event' '.' (name | 'any') ('count' op integer)? ('within' duration)?
 *              | 'contact' '.' ( textfield (textop text | 'exists')
 *                              | 'tags' ('has' tagname | ('any' | 'all') '(' tagname (',' tagname)* ')')
 *                              | 'attributes' '.' path ( op literal | 'exists' )
 *                              | 'created_at' age
 *                              | 'activity_tier' ('=' | '!=') ('high' | 'medium' | 'low' | 'none') )
 *              | ('conversation' | 'inbound') '.' 'count' op integer ('within' duration)?
 *              | 'last_inbound_at' age
 *              | 'phone_number' '=' text
 *     textfield := 'name' | 'phone' | 'country' | 'language'      textop := '=' | '!=' | 'contains' | 'starts_with'
 *     age     := ('within' | 'older_than') duration               text := "string" | number
 *     op      := '=' | '!=' | '>' | '>=' | '<' | '<=' | 'contains'
 *     literal := "string" | number | true | false        duration := integer ('m' | 'h' | 'd' | 'w')
 *
 * Hand-written recursive descent rather than a parser generator: the grammar is a dozen lines, the parser has no
 * dependency and no build step, and each error can name the exact offset and what was expected there, which is
 * what the rule editor shows under the field.
 */
import type {
  ComparisonOp,
  ConditionNode,
  ConditionSyntaxError,
  ContactTextField,
  TextOp,
} from '../../../contracts/condition.schemas.ts';

type TokenKind = 'word' | 'string' | 'number' | 'duration' | 'punct' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  value: string | number;
  position: number;
}

/** The result of parsing: a tree or the first syntax error. */
export type ConditionParse = { ok: true; ast: ConditionNode } | { ok: false; error: ConditionSyntaxError };

/** Longest accepted condition, in characters. */
export const MAX_CONDITION_LENGTH = 2000;
const MAX_DEPTH = 32;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const NAME = /^[\p{L}\p{N}_-]+$/u;
const TEXT_FIELDS: readonly ContactTextField[] = ['name', 'phone', 'country', 'language'];

class SyntaxFailure extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

/** Splits a condition into tokens; throws SyntaxFailure on a character that cannot start a token. */
function lex(src: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s+|(?<dur>\d+[mhdw])(?![\p{L}\p{N}_])|(?<num>-?\d+(?:\.\d+)?)(?![\p{L}_])|(?<word>[\p{L}\p{N}_-]+)|(?<str>"(?:[^"\\]|\\.)*")|(?<punct>!=|>=|<=|[=<>():.,])/uy;
  let pos = 0;
  while (pos < src.length) {
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) {
      const message = src[pos] === '"' ? 'unterminated string' : `unexpected character "${src[pos]}"`;
      throw new SyntaxFailure(message, pos);
    }
    const g = m.groups ?? {};
    const text = m[0];
    if (g.dur)
      tokens.push({
        kind: 'duration',
        text,
        value: Number(text.slice(0, -1)) * (UNIT_MS[text.slice(-1)] as number),
        position: pos,
      });
    else if (g.num) tokens.push({ kind: 'number', text, value: Number(text), position: pos });
    else if (g.word) tokens.push({ kind: 'word', text, value: text, position: pos });
    else if (g.str) tokens.push({ kind: 'string', text, value: JSON.parse(text) as string, position: pos });
    else if (g.punct) tokens.push({ kind: 'punct', text, value: text, position: pos });
    pos += text.length;
  }
  tokens.push({ kind: 'end', text: '', value: '', position: src.length });
  return tokens;
}

/** Parses condition text into a tree, or reports the first error with its offset. */
export function parseCondition(src: string): ConditionParse {
  if (src.length > MAX_CONDITION_LENGTH) {
    return {
      ok: false,
      error: { message: `longer than ${MAX_CONDITION_LENGTH} characters`, position: MAX_CONDITION_LENGTH },
    };
  }
  try {
    const parser = new Parser(lex(src));
    const ast = parser.expression(0);
    parser.expectEnd();
    return { ok: true, ast };
  } catch (error) {
    if (error instanceof SyntaxFailure)
      return { ok: false, error: { message: error.message, position: error.position } };
    throw error;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }
  private next(): Token {
    return this.tokens[this.i++] as Token;
  }
  private isWord(word: string): boolean {
    const t = this.peek();
    return t.kind === 'word' && t.text.toLowerCase() === word;
  }
  private fail(expected: string): never {
    const t = this.peek();
    throw new SyntaxFailure(
      `expected ${expected} but found ${t.kind === 'end' ? 'the end' : `"${t.text}"`}`,
      t.position,
    );
  }
  private punct(p: string): void {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== p) this.fail(`"${p}"`);
    this.i++;
  }

  expectEnd(): void {
    if (this.peek().kind !== 'end') this.fail('"and", "or" or the end');
  }

  expression(depth: number): ConditionNode {
    if (depth > MAX_DEPTH) throw new SyntaxFailure('nested too deeply', this.peek().position);
    return this.chain('or', () => this.chain('and', () => this.unary(depth)));
  }

  private chain(op: 'and' | 'or', operand: () => ConditionNode): ConditionNode {
    const items = [operand()];
    while (this.isWord(op)) {
      this.i++;
      items.push(operand());
    }
    return items.length === 1 ? (items[0] as ConditionNode) : { type: op, items };
  }

  private unary(depth: number): ConditionNode {
    if (this.isWord('not')) {
      this.i++;
      return { type: 'not', item: this.unary(depth + 1) };
    }
    const t = this.peek();
    if (t.kind === 'punct' && t.text === '(') {
      this.i++;
      const inner = this.expression(depth + 1);
      this.punct(')');
      return inner;
    }
    if (this.isWord('tag')) return this.tag();
    if (this.isWord('attr')) return this.attr();
    if (this.isWord('event')) return this.event();
    if (this.isWord('contact')) return this.contact();
    if (this.isWord('conversation')) return this.activity('conversations');
    if (this.isWord('inbound')) return this.activity('inbound');
    if (this.isWord('last_inbound_at')) {
      this.i++;
      return this.age('last_inbound_at');
    }
    if (this.isWord('phone_number')) return this.phoneNumber();
    if (this.isWord('consent')) return this.consent();
    return this.fail('"tag:", "attr.", "event.", "contact.", "not" or "("');
  }

  private name(what: string): string {
    const t = this.peek();
    if (t.kind !== 'word' && t.kind !== 'number') this.fail(what);
    if (!NAME.test(t.text)) this.fail(what);
    this.i++;
    return t.text;
  }

  private tag(): ConditionNode {
    this.i++;
    this.punct(':');
    return { type: 'tag', name: this.name('a tag name') };
  }

  private attr(): ConditionNode {
    this.i++;
    this.punct('.');
    return this.attrPath();
  }

  /** `path (op literal | exists)` after `attr.` or `contact.attributes.`. */
  private attrPath(): ConditionNode {
    const parts = [this.name('an attribute name')];
    while (this.peek().kind === 'punct' && this.peek().text === '.') {
      this.i++;
      parts.push(this.name('an attribute name'));
    }
    const key = parts.join('.');
    if (this.isWord('exists')) {
      this.i++;
      return { type: 'attr_exists', key };
    }
    const op = this.operator(true);
    const t = this.next();
    if (t.kind === 'string' || t.kind === 'number') return { type: 'attr', key, op, value: t.value };
    if (t.kind === 'word' && (t.text === 'true' || t.text === 'false'))
      return { type: 'attr', key, op, value: t.text === 'true' };
    this.i--;
    return this.fail('a string in double quotes, a number, true or false');
  }

  private contact(): ConditionNode {
    this.i++;
    this.punct('.');
    const t = this.peek();
    const field = t.kind === 'word' ? t.text.toLowerCase() : '';
    if (TEXT_FIELDS.includes(field as ContactTextField)) {
      this.i++;
      return this.textTest(field as ContactTextField);
    }
    this.i++;
    if (field === 'tags') return this.tags();
    if (field === 'attributes') {
      this.punct('.');
      return this.attrPath();
    }
    if (field === 'created_at') return this.age('created_at');
    if (field === 'activity_tier') return this.activityTier();
    this.i--;
    return this.fail(
      `a contact field (${[...TEXT_FIELDS, 'tags', 'attributes', 'created_at', 'activity_tier'].join(', ')})`,
    );
  }

  /** `contact.activity_tier = high|medium|low|none` (or `!=`); the tier may also be quoted. */
  private activityTier(): ConditionNode {
    const o = this.peek();
    if (o.kind !== 'punct' || (o.text !== '=' && o.text !== '!=')) return this.fail('= or !=');
    this.i++;
    const v = this.peek();
    const tier = v.kind === 'word' || v.kind === 'string' ? String(v.value).toLowerCase() : '';
    if (tier !== 'high' && tier !== 'medium' && tier !== 'low' && tier !== 'none')
      return this.fail('an activity tier (high, medium, low, none)');
    this.i++;
    return { type: 'activity_tier', tier, op: o.text };
  }

  private textTest(field: ContactTextField): ConditionNode {
    if (this.isWord('exists')) {
      this.i++;
      return { type: 'field_exists', field };
    }
    const o = this.peek();
    let op: TextOp;
    if (o.kind === 'punct' && (o.text === '=' || o.text === '!=')) op = o.text;
    else if (this.isWord('contains')) op = 'contains';
    else if (this.isWord('starts_with')) op = 'starts_with';
    else return this.fail('an operator (=, !=, contains, starts_with) or "exists"');
    this.i++;
    return { type: 'field', field, op, value: this.text() };
  }

  /** A string in double quotes, or a number kept as written (`81`, `+81`). */
  private text(): string {
    const t = this.peek();
    if (t.kind !== 'string' && t.kind !== 'number') this.fail('a string in double quotes or a number');
    this.i++;
    return t.kind === 'string' ? (t.value as string) : t.text;
  }

  private tags(): ConditionNode {
    const tagName = (): string => (this.peek().kind === 'string' ? this.text() : this.name('a tag name'));
    if (this.isWord('has')) {
      this.i++;
      return { type: 'tags', mode: 'has', names: [tagName()] };
    }
    const mode = this.isWord('any') ? 'any' : this.isWord('all') ? 'all' : this.fail('"has", "any" or "all"');
    this.i++;
    this.punct('(');
    const names = [tagName()];
    while (this.peek().kind === 'punct' && this.peek().text === ',') {
      this.i++;
      names.push(tagName());
    }
    this.punct(')');
    return { type: 'tags', mode, names };
  }

  private age(field: 'created_at' | 'last_inbound_at'): ConditionNode {
    const relation = this.isWord('within')
      ? 'within'
      : this.isWord('older_than')
        ? 'older_than'
        : this.fail('"within" or "older_than"');
    this.i++;
    return { type: 'age', field, relation, ms: this.duration() };
  }

  private duration(): number {
    const t = this.peek();
    if (t.kind !== 'duration' || (t.value as number) <= 0) this.fail('a duration such as 30m, 12h, 7d or 2w');
    this.i++;
    return t.value as number;
  }

  private activity(what: 'conversations' | 'inbound'): ConditionNode {
    this.i++;
    this.punct('.');
    if (!this.isWord('count')) this.fail('"count"');
    this.i++;
    const count = this.count();
    let withinMs: number | null = null;
    if (this.isWord('within')) {
      this.i++;
      withinMs = this.duration();
    }
    return { type: 'activity', what, withinMs, count };
  }

  private count(): { op: Exclude<ComparisonOp, 'contains'>; value: number } {
    const op = this.operator(false) as Exclude<ComparisonOp, 'contains'>;
    const t = this.peek();
    if (t.kind !== 'number' || !Number.isInteger(t.value) || (t.value as number) < 0)
      this.fail('a whole number');
    this.i++;
    return { op, value: t.value as number };
  }

  /** `consent.marketing = opted_in|opted_out|unknown` (or `!=`). */
  private consent(): ConditionNode {
    this.i++;
    this.punct('.');
    if (!this.isWord('marketing')) return this.fail('a consent purpose (marketing)');
    this.i++;
    const o = this.peek();
    if (o.kind !== 'punct' || (o.text !== '=' && o.text !== '!=')) return this.fail('= or !=');
    this.i++;
    const v = this.peek();
    const state = v.kind === 'word' ? v.text.toLowerCase() : '';
    if (state !== 'opted_in' && state !== 'opted_out' && state !== 'unknown')
      return this.fail('a consent state (opted_in, opted_out, unknown)');
    this.i++;
    return { type: 'consent', purpose: 'marketing', state, op: o.text };
  }

  private phoneNumber(): ConditionNode {
    this.i++;
    this.punct('=');
    const value = this.text();
    if (value === '') this.fail('a phone number');
    return { type: 'phone_number', value };
  }

  private operator(allowContains: boolean): ComparisonOp {
    const t = this.peek();
    if (t.kind === 'punct' && ['=', '!=', '>', '>=', '<', '<='].includes(t.text)) {
      this.i++;
      return t.text as ComparisonOp;
    }
    if (allowContains && this.isWord('contains')) {
      this.i++;
      return 'contains';
    }
    return this.fail(
      allowContains
        ? 'an operator (=, !=, >, >=, <, <=, contains) or "exists"'
        : 'an operator (=, !=, >, >=, <, <=)',
    );
  }

  private event(): ConditionNode {
    this.i++;
    this.punct('.');
    const raw = this.name('an event name or "any"');
    const name = raw.toLowerCase() === 'any' ? null : raw;
    let count: { op: Exclude<ComparisonOp, 'contains'>; value: number } | null = null;
    if (this.isWord('count')) {
      this.i++;
      count = this.count();
    }
    let withinMs: number | null = null;
    if (this.isWord('within')) {
      this.i++;
      withinMs = this.duration();
    }
    return { type: 'event', name, withinMs, count };
  }
}
