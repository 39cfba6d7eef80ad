/**
 * Parser of the condition language (pure), e.g.
 *
 *     tag:vip and attr.plan = "gold" and event.order_placed within 7d
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
    /\s+|(?<dur>\d+[mhdw])(?![\p{L}\p{N}_])|(?<num>-?\d+(?:\.\d+)?)(?![\p{L}_])|(?<word>[\p{L}\p{N}_-]+)|(?<str>"(?:[^"\\]|\\.)*")|(?<punct>!=|>=|<=|[=<>():.])/uy;
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
    return this.fail('"tag:", "attr.", "event.", "not" or "("');
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
      const op = this.operator(false) as Exclude<ComparisonOp, 'contains'>;
      const t = this.peek();
      if (t.kind !== 'number' || !Number.isInteger(t.value) || (t.value as number) < 0)
        this.fail('a whole number');
      this.i++;
      count = { op, value: t.value as number };
    }
    let withinMs: number | null = null;
    if (this.isWord('within')) {
      this.i++;
      const t = this.peek();
      if (t.kind !== 'duration' || (t.value as number) <= 0)
        this.fail('a duration such as 30m, 12h, 7d or 2w');
      this.i++;
      withinMs = t.value as number;
    }
    return { type: 'event', name, withinMs, count };
  }
}
