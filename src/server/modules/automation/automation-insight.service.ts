/**
 * What automation did over a period: the rules and keywords that fired most, the customer questions nothing
 * answered (grouped by their folded text, so 「ﾍﾝﾋﾟﾝ」 and 「へんぴん」 count together) for admins to turn into
 * rules, and the share of conversations automation handled without a person.
 */
import { sql } from 'kysely';
import type { Clock } from '../../../lib/clock.ts';
import type { Db } from '../../db/types.ts';
import type { AutomationInsight } from '../../../contracts/automation.schemas.ts';

/** A customer question no rule answered, grouped by its folded text. */
export interface UnmatchedQuestion {
  normalized: string;
  /** The latest message text of the group. */
  sample: string;
  count: number;
  lastSeenAt: string;
}

/**
 * The questions automation found no rule for in `[from, to)` (`to` included when `inclusiveEnd`): the runs that
 * recorded a `normalized_text`, grouped by it, most frequent first; optionally only the messages one number received.
 * Also read by analytics (what customers ask).
 */
export async function unmatchedQuestions(
  db: Db,
  workspaceId: string,
  opts: { from: Date; to: Date; inclusiveEnd?: boolean; limit: number; phoneNumberId?: string },
): Promise<UnmatchedQuestion[]> {
  const end = opts.inclusiveEnd ? sql`r.created_at <= ${opts.to}` : sql`r.created_at < ${opts.to}`;
  const res = await sql<{ normalized: string; sample: string | null; n: string; last_seen: Date }>`
    select r.normalized_text as normalized, count(*) as n, max(r.created_at) as last_seen,
      (array_agg(m.content->'text'->>'body' order by r.created_at desc))[1] as sample
    from automation_runs r join messages m on m.id = r.message_id
    where r.workspace_id = ${workspaceId} and r.created_at >= ${opts.from} and ${end}
      and r.normalized_text is not null
      ${opts.phoneNumberId ? sql`and m.phone_number_id = ${opts.phoneNumberId}` : sql``}
    group by r.normalized_text order by n desc, last_seen desc limit ${opts.limit}`.execute(db);
  return res.rows.map((u) => ({
    normalized: u.normalized,
    sample: u.sample ?? u.normalized,
    count: Number(u.n),
    lastSeenAt: new Date(u.last_seen).toISOString(),
  }));
}

/** What automation did over the last `days`: top rules and keywords, unmatched questions, automation's share. */
export async function automationInsight(
  deps: { db: Db; clock: Clock },
  workspaceId: string,
  days: number,
): Promise<AutomationInsight> {
  const to = deps.clock.now();
  const from = new Date(to.getTime() - days * 86_400_000);
  const runs = deps.db
    .selectFrom('automation_runs')
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '>=', from)
    .where('created_at', '<=', to);
  const [decisions, rules, keywords, unmatched, handled] = await Promise.all([
    runs
      .select(['decision', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('decision')
      .execute(),
    runs
      .select(['rule_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('decision', 'in', ['reply', 'menu'])
      .where('rule_id', 'is not', null)
      .groupBy('rule_id')
      .orderBy('n', 'desc')
      .limit(10)
      .execute(),
    runs
      .select(['keyword', (eb) => eb.fn.countAll<string>().as('n')])
      .where('keyword', 'is not', null)
      .groupBy('keyword')
      .orderBy('n', 'desc')
      .limit(20)
      .execute(),
    unmatchedQuestions(deps.db, workspaceId, { from, to, inclusiveEnd: true, limit: 50 }),
    sql<{ with_automation: string; handled: string }>`
      select count(*) as with_automation,
        count(*) filter (where not exists (
          select 1 from messages m where m.conversation_id = c.id and m.direction = 'outbound'
            and m.origin in ('agent', 'api') and m.created_at >= ${from})
          and c.automation_paused_at is null) as handled
      from conversations c
      where c.workspace_id = ${workspaceId} and exists (
        select 1 from automation_replies a where a.conversation_id = c.id and a.outcome = 'queued'
          and a.created_at >= ${from} and a.created_at <= ${to})`.execute(deps.db),
  ]);
  const withAutomation = Number(handled.rows[0]?.with_automation ?? 0);
  const handledCount = Number(handled.rows[0]?.handled ?? 0);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    decisions: Object.fromEntries(decisions.map((d) => [d.decision, Number(d.n)])),
    topRules: rules.map((r) => ({ ruleId: r.rule_id ?? '', count: Number(r.n) })),
    topKeywords: keywords.map((k) => ({ keyword: k.keyword ?? '', count: Number(k.n) })),
    unmatched,
    conversations: {
      withAutomation,
      handledByAutomation: handledCount,
      share: withAutomation === 0 ? null : handledCount / withAutomation,
    },
  };
}
