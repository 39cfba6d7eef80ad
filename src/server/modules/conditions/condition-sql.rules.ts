/**
 * Compiles a condition tree to one SQL boolean over a `contacts` row (pure: builds a Kysely fragment, runs
 * nothing). A whole segment is then one query: `SELECT … FROM contacts c WHERE c.workspace_id = $ws AND <this>`.
 *
 * The answers are the in-memory evaluator's (`condition-evaluate.rules.ts`), held together by a property test on
 * PGlite and PostgreSQL (`test/conditions/condition-sql.int.test.ts`):
 * - every leaf that can be NULL is wrapped in `coalesce(…, false)`, so NULL never leaks into `NOT` (a missing
 *   attribute makes every comparison false, and `not` of that true, as in memory); an `EXISTS` leaf (tags, events,
 *   activity, consent) is never NULL and stays bare, so PostgreSQL can plan it as a semi-join or, under `NOT`, an
 *   anti-join driven by an index instead of a per-contact subplan;
 * - text is folded like `fold()`: `lower(normalize(x, NFKC))`; ordering compares folded text byte-wise
 *   (`COLLATE "C"`, code-point order, which is JavaScript's for text without astral characters);
 * - numbers are compared as `numeric`; text counts as a number only when it matches `NUMERIC_TEXT`, tested before
 *   any cast (inside CASE, whose order PostgreSQL keeps), so no value can make the query fail;
 * - subqueries over contact_tags, contact_events, conversations and messages are correlated on the contact's id
 *   and its workspace, so each uses the per-contact indexes;
 * - a count test reads no more rows than its answer needs: `>= 1` is EXISTS, `= 0` NOT EXISTS, `>= k` EXISTS of a
 *   row whose contact has k (a count over a `LIMIT k` subquery); `tags has all` is one EXISTS per tag. All are
 *   never NULL and all are EXISTS, so all can be joined.
 *
 * Every value is a bound parameter; the only raw SQL is from closed sets below (operators, column names) or the
 * caller's alias, which must be a plain identifier.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { ComparisonOp, ConditionNode, ContactTextField } from '../../../contracts/condition.schemas.ts';
import { NUMERIC_TEXT, fold, phoneDigits } from './condition-evaluate.rules.ts';

/** Where and when a condition is compiled. */
export interface CompileConditionOptions {
  /** The instant relative tests (`within 7d`) are measured from. */
  now: Date;
  /** Alias of the `contacts` row in the surrounding query (a plain identifier). */
  contactAlias: string;
}

type Sql = RawBuilder<unknown>;

/** A leaf that is never NULL (an `EXISTS`), emitted without `coalesce` so the planner can join it. */
class NeverNull {
  constructor(readonly sql: Sql) {}
}
type Order = Exclude<ComparisonOp, 'contains'>;

const OPERATORS: Record<Order, Sql> = {
  '=': sql`=`,
  '!=': sql`<>`,
  '>': sql`>`,
  '>=': sql`>=`,
  '<': sql`<`,
  '<=': sql`<=`,
};
const FALSE = sql<SqlBool>`false`;
/** NUMERIC_TEXT as a PostgreSQL regular expression (the same language for this pattern). */
const NUMERIC_PATTERN = NUMERIC_TEXT.source;

/** The condition as a SQL boolean (never NULL) over the contact row `contactAlias`. */
export function compileCondition(node: ConditionNode, opts: CompileConditionOptions): RawBuilder<SqlBool> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.contactAlias))
    throw new Error('contactAlias must be an identifier');
  return new Compiler(opts.now, opts.contactAlias).node(node);
}

class Compiler {
  constructor(
    private readonly now: Date,
    private readonly alias: string,
  ) {}

  private col(name: string): Sql {
    return sql.ref(`${this.alias}.${name}`);
  }

  /** `x.contact_id = c.id AND x.workspace_id = c.workspace_id` for a correlated subquery on alias `x`. */
  private owned(x: string): Sql {
    return sql`${sql.ref(`${x}.contact_id`)} = ${this.col('id')} AND ${sql.ref(`${x}.workspace_id`)} = ${this.col('workspace_id')}`;
  }

  private at(ms: number): Sql {
    return sql`${new Date(this.now.getTime() - ms).toISOString()}::timestamptz`;
  }

  private nowSql(): Sql {
    return sql`${this.now.toISOString()}::timestamptz`;
  }

  node(node: ConditionNode): RawBuilder<SqlBool> {
    switch (node.type) {
      case 'and':
        return sql<SqlBool>`(${sql.join(
          node.items.map((n) => this.node(n)),
          sql` AND `,
        )})`;
      case 'or':
        return sql<SqlBool>`(${sql.join(
          node.items.map((n) => this.node(n)),
          sql` OR `,
        )})`;
      case 'not':
        return sql<SqlBool>`(NOT ${this.node(node.item)})`;
      default: {
        const leaf = this.leaf(node);
        return leaf instanceof NeverNull ? sql<SqlBool>`${leaf.sql}` : sql<SqlBool>`coalesce(${leaf}, false)`;
      }
    }
  }

  private leaf(node: Exclude<ConditionNode, { type: 'and' | 'or' | 'not' }>): Sql | NeverNull {
    switch (node.type) {
      case 'tag':
        return this.hasTags([node.name], 'exists');
      case 'tags':
        return this.hasTags(node.names, node.mode === 'all' ? 'all' : 'exists');
      case 'attr_exists':
        return sql`jsonb_typeof(${this.attr(node.key)}) <> 'null'`;
      case 'attr':
        return this.compareJson(this.attr(node.key), node.op, node.value);
      case 'event': {
        const filters = (e: string) => {
          const at = sql.ref(`${e}.occurred_at`);
          const list = [sql`${at} <= ${this.nowSql()}`];
          if (node.withinMs !== null) list.push(sql`${at} >= ${this.at(node.withinMs)}`);
          if (node.name !== null) list.push(sql`${sql.ref(`${e}.name`)} = ${node.name}`);
          return list;
        };
        return this.counted('contact_events', filters, node.count);
      }
      case 'field_exists':
        return sql`${this.textField(node.field)} IS NOT NULL`;
      case 'field': {
        const phone = node.field === 'phone';
        const actual = phone ? this.textField('phone') : foldSql(this.textField(node.field));
        const expected = phone ? phoneDigits(node.value) : fold(node.value);
        if (node.op === '=') return sql`${actual} = ${expected}`;
        if (node.op === '!=') return sql`${actual} <> ${expected}`;
        if (node.op === 'contains') return sql`strpos(${actual}, ${expected}) > 0`;
        return sql`starts_with(${actual}, ${expected})`;
      }
      case 'age': {
        if (node.field === 'created_at') {
          const at = this.col('created_at');
          return node.relation === 'within'
            ? sql`(${at} >= ${this.at(node.ms)} AND ${at} <= ${this.nowSql()})`
            : sql`${at} < ${this.at(node.ms)}`;
        }
        // The test is on the latest inbound over the contact's conversations, written as EXISTS pairs so it joins:
        // within ⟺ one is in [from, now] and none is after now; older than ⟺ one is known and none is ≥ from.
        const some = (cond: Sql) =>
          sql`EXISTS (SELECT 1 FROM conversations v WHERE ${this.owned('v')} AND ${cond})`;
        const at = sql.ref('v.last_inbound_at');
        return new NeverNull(
          node.relation === 'within'
            ? sql`(${some(sql`${at} >= ${this.at(node.ms)} AND ${at} <= ${this.nowSql()}`)} AND NOT ${some(sql`${at} > ${this.nowSql()}`)})`
            : sql`(${some(sql`${at} IS NOT NULL`)} AND NOT ${some(sql`${at} >= ${this.at(node.ms)}`)})`,
        );
      }
      case 'activity': {
        const inbound = node.what === 'inbound';
        const filters = (m: string) => {
          const column = sql.ref(`${m}.${inbound ? 'occurred_at' : 'last_message_at'}`);
          const list = [sql`${column} <= ${this.nowSql()}`];
          if (inbound) list.push(sql`${sql.ref(`${m}.direction`)} = 'inbound'`);
          if (node.withinMs !== null) list.push(sql`${column} >= ${this.at(node.withinMs)}`);
          return list;
        };
        return this.counted(inbound ? 'messages' : 'conversations', filters, node.count);
      }
      case 'phone_number': {
        const digits = phoneDigits(node.value);
        const match = [sql`p.id::text = ${node.value}`];
        if (digits !== '')
          match.push(sql`regexp_replace(p.display_phone_number, '\\D', '', 'g') = ${digits}`);
        return sql`EXISTS (SELECT 1 FROM conversations v JOIN phone_numbers p ON p.id = v.phone_number_id
          WHERE ${this.owned('v')} AND (${sql.join(match, sql` OR `)}))`;
      }
      case 'consent': {
        // One row per contact and purpose; no row is `unknown`. `= unknown` is "no row in another state".
        const known = node.state !== 'unknown';
        const exists = sql`EXISTS (SELECT 1 FROM contact_consents k WHERE ${this.owned('k')}
          AND k.purpose = ${node.purpose} AND k.state ${known ? sql`=` : sql`<>`} ${known ? node.state : 'unknown'})`;
        return new NeverNull(known === (node.op === '=') ? exists : sql`(NOT ${exists})`);
      }
      case 'activity_tier':
        // The stored tier (recomputed hourly), not one computed at `now`: what the evaluator's facts carry too.
        return new NeverNull(
          sql`(coalesce(${this.col('activity_tier')}, 'none') ${node.op === '=' ? sql`=` : sql`<>`} ${node.tier})`,
        );
    }
  }

  /** Whether the contact has a tag among `names` (folded), or all of them. */
  private hasTags(names: readonly string[], mode: 'exists' | 'all'): NeverNull {
    const folded = [...new Set(names.map(fold))];
    const has = (tags: readonly string[]) =>
      sql`EXISTS (SELECT 1 FROM contact_tags t WHERE ${this.owned('t')} AND ${foldSql(sql.ref('t.tag'))}
        ${tags.length === 1 ? sql`= ${tags[0]}` : sql`IN (${sql.join(tags)})`})`;
    // All of them: one semi-join per tag (each an index probe), not a count of the contact's matching tags.
    if (mode === 'exists' || folded.length === 1) return new NeverNull(has(folded));
    return new NeverNull(
      sql`(${sql.join(
        folded.map((tag) => has([tag])),
        sql` AND `,
      )})`,
    );
  }

  /**
   * A count test that reads no more rows than its answer needs: `count op n` (n a whole number ≥ 0) becomes "at
   * least k rows" or its negation. k = 1 is EXISTS. k ≥ 2 is EXISTS of a row whose contact has k of them, counted
   * over a `LIMIT k` subquery correlated on that row, not on the contact: the EXISTS stays a semi-join (so only
   * contacts with a row in the window are counted, from the rows' side), where a correlated count on the contact
   * ran once for each of the workspace's contacts.
   */
  private counted(
    table: 'messages' | 'conversations' | 'contact_events',
    filters: (alias: string) => Sql[],
    count: { op: Order; value: number } | null,
  ): NeverNull {
    const from = sql.table(table);
    const where = (x: string) => sql.join([this.owned(x), ...filters(x)], sql` AND `);
    /** How many rows the contact of row `r` has, counted up to `k` at most. */
    const capped = (k: number) =>
      sql`(SELECT count(*) FROM (SELECT 1 FROM ${from} r2 WHERE ${sql.join(
        [sql`r2.contact_id = r.contact_id AND r2.workspace_id = r.workspace_id`, ...filters('r2')],
        sql` AND `,
      )} LIMIT ${sql.lit(k)}) s)`;
    const some = (extra: Sql | null) =>
      sql`EXISTS (SELECT 1 FROM ${from} r WHERE ${where('r')}${extra === null ? sql`` : sql` AND ${extra}`})`;
    /** At least k rows. */
    const atLeast = (k: number): Sql =>
      k <= 0 ? sql`true` : k === 1 ? some(null) : some(sql`${capped(k)} = ${sql.lit(k)}`);
    /** Exactly n ≥ 1 rows. */
    const exactly = (n: number): Sql => some(sql`${capped(n + 1)} = ${sql.lit(n)}`);
    if (count === null) return new NeverNull(atLeast(1));
    const n = count.value;
    if (!Number.isSafeInteger(n) || n < 0) throw new Error('a count is a whole number');
    switch (count.op) {
      case '>=':
        return new NeverNull(atLeast(n));
      case '>':
        return new NeverNull(atLeast(n + 1));
      case '<':
        return new NeverNull(n === 0 ? FALSE : sql`(NOT ${atLeast(n)})`);
      case '<=':
        return new NeverNull(sql`(NOT ${atLeast(n + 1)})`);
      case '=':
        return new NeverNull(n === 0 ? sql`(NOT ${atLeast(1)})` : exactly(n));
      case '!=':
        return new NeverNull(n === 0 ? atLeast(1) : sql`(NOT ${exactly(n)})`);
    }
  }

  private textField(field: ContactTextField): Sql {
    if (field === 'name') return sql`coalesce(${this.col('name')}, ${this.col('profile_name')})`;
    if (field === 'phone') return this.col('wa_id');
    if (field === 'country') return this.col('country');
    const language = sql`${this.col('attributes')} -> 'language'`;
    return sql`(CASE WHEN jsonb_typeof(${language}) = 'string' THEN ${language} #>> '{}' END)`;
  }

  /** The attribute at a dotted path; `-> text` yields NULL through arrays and scalars, as `lookup` does. */
  private attr(key: string): Sql {
    let path: Sql = this.col('attributes');
    for (const part of key.split('.')) path = sql`${path} -> ${part}::text`;
    return sql`(${path})`;
  }

  private compareJson(x: Sql, op: ComparisonOp, expected: string | number | boolean): Sql {
    const text = sql`(${x} #>> '{}')`;
    const isString = sql`jsonb_typeof(${x}) = 'string'`;
    if (op === 'contains') {
      return sql`CASE jsonb_typeof(${x})
        WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${x}) AS a(v) WHERE ${this.equals(sql`a.v`, expected)})
        WHEN 'string' THEN strpos(${foldSql(text)}, ${fold(String(expected))}) > 0
        ELSE false END`;
    }
    if (op === '=') return this.equals(x, expected);
    if (op === '!=') return sql`(jsonb_typeof(${x}) <> 'null' AND NOT ${this.equals(x, expected)})`;
    const b = typeof expected === 'boolean' ? null : asNumber(expected);
    const textOrder =
      typeof expected === 'string'
        ? sql`(${isString} AND (${foldSql(text)} COLLATE "C") ${OPERATORS[op]} (${fold(expected)} COLLATE "C"))`
        : FALSE;
    if (b === null) return textOrder;
    const n = numberSql(x);
    return sql`CASE WHEN ${n} IS NOT NULL THEN ${n} ${OPERATORS[op]} ${String(b)}::numeric ELSE ${textOrder} END`;
  }

  /** `equals()` of the evaluator as SQL (true or false for any JSON value, NULL only for a missing one). */
  private equals(x: Sql, expected: string | number | boolean): Sql {
    if (typeof expected === 'boolean') return sql`coalesce(${x} = ${JSON.stringify(expected)}::jsonb, false)`;
    if (typeof expected === 'number')
      return sql`coalesce(${numberSql(x)} = ${String(expected)}::numeric, false)`;
    const b = asNumber(expected);
    const asText = sql`(jsonb_typeof(${x}) = 'string' AND ${foldSql(sql`(${x} #>> '{}')`)} = ${fold(expected)})`;
    if (b === null) return sql`coalesce(${asText}, false)`;
    return sql`coalesce(CASE jsonb_typeof(${x}) WHEN 'number' THEN (${x})::numeric = ${String(b)}::numeric ELSE ${asText} END, false)`;
  }
}

/** A JSON value as a number: a JSON number, or text matching NUMERIC_TEXT; NULL otherwise. */
function numberSql(x: Sql): Sql {
  return sql`(CASE jsonb_typeof(${x}) WHEN 'number' THEN (${x})::numeric
    WHEN 'string' THEN CASE WHEN (${x} #>> '{}') ~ ${NUMERIC_PATTERN} THEN btrim(${x} #>> '{}', ${' \t\n\r'})::numeric END END)`;
}

function foldSql(x: Sql): Sql {
  return sql`lower(normalize(${x}, NFKC))`;
}

function asNumber(v: string | number): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return NUMERIC_TEXT.test(v) ? Number(v) : null;
}
