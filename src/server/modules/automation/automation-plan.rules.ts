/**
 * What automation does with one customer message (pure): which automatic replies to send (welcome, a keyword
 * answer — short or detailed —, a menu step, away, a handoff or fallback), whether automation stops for the
 * conversation (the customer asked for a person, or the loop guard tripped), how the conversation is routed
 * (team, assignee, priority) and whether it escalates. The service (automation-runtime.service.ts) gathers the
 * inputs, applies the plan in one transaction and sends the replies after a human-like delay.
 *
 * Order: a paused conversation only escalates; a handoff phrase wins; then an answer to the pending menu; then
 * keyword rules; welcome comes first on a first message; away only when nothing else answered. Replies are in
 * the customer's language when the response has a variant in it (reply-language.rules.ts). The loop guard
 * (`loopGuard` of the document) stops repetition, not conversation: the same reply more than
 * `sameReplyLimit` times in the window — or more than `replyLimit` replies of any kind — is not sent, and the
 * conversation goes to a person instead. Distinct questions and menu steps do not count as repetition.
 */
import type { AutomationReason } from '../../../contracts/automation.schemas.ts';
import type { MessageContent } from '../../../contracts/whatsapp/send.schemas.ts';
import {
  inLanguage,
  splitVariants,
  type CompiledAutomation,
  type CompiledResponse,
} from './automation-compile.service.ts';
import { reason } from './automation-reason.rules.ts';
import type { AutomationReplyKind } from '../../db/types.ts';
import type { ContactContext } from '../../../contracts/automation-rules.schemas.ts';
import { detectHandoff } from './handoff.rules.ts';
import { answerToMenu, renderMenu, type CustomerInput } from './menu-render.rules.ts';
import { replyLanguage, type ReplyLanguage } from './reply-language.rules.ts';
import { LAYER_WINDOW_MS, appliesTo, evaluate, type RuleMatch } from './rule-evaluate.rules.ts';
import { classifySentiment, hasNegativeStreak } from './sentiment.rules.ts';
import { foldText } from './text-fold.rules.ts';

type Priority = 'low' | 'normal' | 'high' | 'urgent';
const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

/** A menu is answered only for this long after it was shown. */
export const MENU_TTL_MS = 60 * 60_000;
/** The same question again within this long, after its short answer, gets the detailed answer. */
export const ASKED_AGAIN_MS = 60 * 60_000;

/** How far back the reply history must reach for the planner (layered answers and the loop guard). */
export function historyWindowMs(a: CompiledAutomation): number {
  return Math.max(ASKED_AGAIN_MS, a.config.loopGuard.windowMinutes * 60_000);
}

/** An automatic reply already sent (or scheduled) in this conversation. */
export interface PastReply {
  kind: AutomationReplyKind;
  ruleId: string | null;
  layer: string | null;
  at: Date;
}

/** Everything the planner needs to know. */
export interface PlanInput {
  automation: CompiledAutomation;
  input: CustomerInput;
  /** Cloud API phone number id (the id rule scopes name). */
  phoneNumberId: string;
  now: Date;
  inBusinessHours: boolean;
  contact: ContactContext;
  conversation: {
    paused: boolean;
    menu: { menuId: string; at: Date } | null;
    priority: Priority;
    assigneeId: string | null;
    teamId: string | null;
  };
  /** The contact's previous customer message in this workspace (null: this is their first ever). */
  previousInboundAt: Date | null;
  /** Automatic replies in this conversation within {@link historyWindowMs}, any order. */
  history: readonly PastReply[];
  /** When this conversation last got the away message (any time). */
  lastAwayAt: Date | null;
  /** Sentiment labels of the previous customer messages of the conversation, oldest first. */
  previousSentiments: ReadonlyArray<'negative' | 'neutral' | 'positive'>;
}

/** One reply to send; `handoff`/`fallback` texts get the expected wait filled in by the service. */
export interface PlannedReply {
  kind: AutomationReplyKind;
  ruleId: string | null;
  layer: 'short' | 'detailed' | null;
  content: MessageContent | null;
  /** handoff and fallback: which built-in text, in which language. */
  text?: { key: 'handoff' | 'fallback'; language: ReplyLanguage };
}

/** The plan for one message. */
export interface Plan {
  /** The main decision, for the log and insight. */
  decision: 'reply' | 'menu' | 'handoff' | 'suppressed' | 'paused' | 'welcome' | 'away' | 'fallback' | 'none';
  match: RuleMatch | null;
  reason: AutomationReason;
  /** The language replies were chosen in. */
  language: ReplyLanguage;
  replies: PlannedReply[];
  /** Stop automation for the conversation (a person takes over). */
  pause: 'handoff' | 'loop_guard' | null;
  /** undefined: unchanged; null: clear; otherwise the menu now awaiting an answer. */
  menu: { menuId: string } | null | undefined;
  routing: { ruleId: string; teamId?: string; assigneeId?: string; priority?: Priority } | null;
  /** A new, higher priority (routing or escalation), or null. */
  priority: Priority | null;
  escalated: boolean;
  /** Nothing answered a question: kept (folded) for the "unmatched questions" insight. */
  unmatched: string | null;
  /** Hand the conversation to a person now (assign when someone is available). */
  needsPerson: boolean;
  sentiment: 'negative' | 'neutral' | 'positive';
}

/** Plans automation for one customer message. */
export function planAutomation(p: PlanInput): Plan {
  const { automation: a, input, now } = p;
  const text = input.text;
  const language = replyLanguage(text, p.contact.attributes, a.config.defaultLanguage);
  const sentiment = classifySentiment(text).label;
  const escalation = a.config.escalation;
  const escalated =
    sentiment === 'negative' &&
    hasNegativeStreak([...p.previousSentiments, sentiment], escalation.negativeStreak) &&
    PRIORITY_RANK[escalation.priority] > PRIORITY_RANK[p.conversation.priority];
  const routing = p.conversation.paused && p.conversation.assigneeId ? null : route(p);
  const plan: Plan = {
    decision: 'none',
    match: null,
    reason: reason('none'),
    language,
    replies: [],
    pause: null,
    menu: undefined,
    routing,
    priority: null,
    escalated,
    unmatched: null,
    needsPerson: false,
    sentiment,
  };
  let priority = p.conversation.priority;
  if (routing?.priority && PRIORITY_RANK[routing.priority] > PRIORITY_RANK[priority])
    priority = routing.priority;
  if (escalated && PRIORITY_RANK[escalation.priority] > PRIORITY_RANK[priority])
    priority = escalation.priority;
  plan.priority = priority !== p.conversation.priority ? priority : null;

  if (p.conversation.paused) {
    return {
      ...plan,
      decision: 'paused',
      reason: reason('paused'),
      needsPerson: true,
    };
  }

  const handoffPhrase = detectHandoff(text);
  const menu =
    p.conversation.menu && now.getTime() - p.conversation.menu.at.getTime() < MENU_TTL_MS
      ? a.menus.get(p.conversation.menu.menuId)
      : undefined;
  const option = menu ? answerToMenu(menu, input) : null;

  if (handoffPhrase || option?.handoff) {
    plan.decision = 'handoff';
    plan.reason = handoffPhrase
      ? reason('handoff_phrase', { phrase: handoffPhrase })
      : reason('handoff_option', { option: option?.title ?? '' });
    plan.pause = 'handoff';
    plan.menu = null;
    plan.needsPerson = true;
    plan.replies.push({
      kind: 'handoff',
      ruleId: null,
      layer: null,
      content: null,
      text: { key: 'handoff', language },
    });
    return plan;
  }

  const welcome = wantsWelcome(p) ? a.welcome : null;
  const planned: Array<PlannedReply & { menuId?: string | null }> = [];
  if (welcome) {
    const w = inLanguage(welcome, language);
    planned.push({ kind: 'welcome', ruleId: null, layer: null, content: w.content, menuId: w.menuId });
  }

  if (option && menu) {
    const next: CompiledResponse | null = option.submenuId
      ? { content: menuContent(a, option.submenuId), menuId: option.submenuId }
      : option.response !== undefined
        ? { content: optionResponse(option.response, language), menuId: null }
        : null;
    plan.decision = 'menu';
    plan.reason = reason('menu_option', { menu: menu.name || menu.id, option: option.title });
    if (next)
      planned.push({
        kind: 'menu',
        ruleId: `${menu.id}/${option.id}`,
        layer: null,
        content: next.content,
        menuId: next.menuId,
      });
    plan.menu = next?.menuId ? { menuId: next.menuId } : null;
  } else {
    const ev = evaluate(a.keywords, {
      text,
      phoneNumberId: p.phoneNumberId,
      now,
      inBusinessHours: p.inBusinessHours,
      contact: p.contact,
      history: p.history.map((h) => ({
        ruleId: h.ruleId ?? h.kind,
        at: h.at,
        layer: h.layer === 'detailed' ? 'detailed' : 'short',
      })),
    });
    if (ev.kind === 'reply') {
      const { kind: _k, ...match } = ev;
      plan.match = stripResponse(match);
      const asked = askedAgain(p, ev.ruleId) ? 'detailed' : ev.layer;
      const layer = asked === 'detailed' && detailedOf(a, ev.ruleId) ? 'detailed' : 'short';
      const content = ruleContent(a, ev.ruleId, layer, language) ?? ev.response;
      plan.decision = 'reply';
      plan.reason = reason('keyword', { keyword: ev.keyword, mode: ev.mode, rule: ev.ruleId });
      const menuId = a.ruleMenus.get(ev.ruleId) ?? null;
      planned.push({ kind: 'rule', ruleId: ev.ruleId, layer, content, menuId });
      if (menuId) plan.menu = { menuId };
      else if (menu) plan.menu = null;
    } else {
      const follow = followUp(p, language);
      if (follow) {
        plan.decision = 'reply';
        plan.reason = reason('follow_up', { seconds: LAYER_WINDOW_MS / 1000 });
        planned.push({ kind: 'rule', ruleId: follow.ruleId, layer: 'detailed', content: follow.content });
      } else {
        // A question a routing rule took is not "unanswered": a person of the right team answers it.
        plan.unmatched = routing ? null : foldText(text).slice(0, 200) || null;
        const fallback = a.config.fallback;
        if (fallback.enabled && (menu || !fallback.onlyAfterMenu) && text.trim() !== '') {
          plan.decision = 'fallback';
          plan.reason = menu ? reason('not_menu_answer', { menu: menu.name || menu.id }) : reason('no_rule');
          plan.menu = null;
          planned.push({
            kind: 'fallback',
            ruleId: null,
            layer: null,
            content: null,
            text: { key: 'fallback', language },
          });
        }
      }
    }
  }

  const answered = planned.some((r) => r.kind !== 'welcome');
  if (!answered && !p.inBusinessHours && a.away && awayDue(p)) {
    const away = inLanguage(a.away, language);
    planned.push({ kind: 'away', ruleId: null, layer: null, content: away.content, menuId: away.menuId });
    if (plan.decision === 'none') {
      plan.decision = 'away';
      plan.reason = reason('outside_hours');
    }
  }
  if (welcome && plan.decision === 'none') {
    plan.decision = 'welcome';
    plan.reason = reason(p.previousInboundAt ? 'long_silence' : 'first_message');
  }

  const guard = loopGuard(p, planned);
  if (guard) {
    const main = planned.find((r) => r.kind !== 'welcome' && r.kind !== 'away');
    const kept = planned.filter((r) => !guard.blocked.has(r));
    if (!main || guard.blocked.has(main)) {
      plan.decision = 'suppressed';
      plan.reason = guard.reason;
      plan.pause = 'loop_guard';
      plan.menu = null;
    }
    planned.splice(0, planned.length, ...kept);
  }
  const lastMenu = [...planned].reverse().find((r) => r.menuId);
  if (lastMenu?.menuId && plan.pause === null) plan.menu = { menuId: lastMenu.menuId };
  plan.replies = planned.map(({ menuId: _m, ...r }) => r);
  plan.needsPerson = plan.pause !== null || !plan.replies.some((r) => r.kind === 'rule' || r.kind === 'menu');
  return plan;
}

function stripResponse<T extends { response?: unknown; layer?: unknown }>(m: T): RuleMatch {
  const { response: _r, layer: _l, ...rest } = m;
  return rest as unknown as RuleMatch;
}

function recent(p: PlanInput, windowMs: number = ASKED_AGAIN_MS): readonly PastReply[] {
  const now = p.now.getTime();
  return p.history.filter((h) => h.at.getTime() <= now && now - h.at.getTime() < windowMs);
}

/** What makes two automatic replies "the same" for the loop guard; null: never counted (menu navigation). */
function sameness(r: {
  kind: AutomationReplyKind;
  ruleId: string | null;
  layer: string | null;
}): string | null {
  if (r.kind === 'menu') return null;
  return `${r.kind}/${r.ruleId ?? ''}/${r.layer ?? ''}`;
}

/**
 * The loop guard: which planned replies are not sent because they would repeat a reply already sent
 * `sameReplyLimit` times in the window, or exceed `replyLimit` replies in the window; null when all may go.
 */
function loopGuard(
  p: PlanInput,
  planned: readonly PlannedReply[],
): { blocked: Set<PlannedReply>; reason: AutomationReason } | null {
  const g = p.automation.config.loopGuard;
  if (!g.enabled || planned.length === 0) return null;
  const past = recent(p, g.windowMinutes * 60_000);
  const counts = new Map<string, number>();
  for (const h of past) {
    const key = sameness(h);
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const blocked = new Set<PlannedReply>();
  let why: AutomationReason | null = null;
  let total = past.length;
  for (const r of planned) {
    const key = sameness(r);
    const seen = key ? (counts.get(key) ?? 0) : 0;
    if (key && seen >= g.sameReplyLimit) {
      blocked.add(r);
      why ??= reason('loop_repeat', { count: seen, minutes: g.windowMinutes });
    } else if (total >= g.replyLimit) {
      blocked.add(r);
      why ??= reason('loop_volume', { count: total, minutes: g.windowMinutes });
    } else {
      total++;
      if (key) counts.set(key, seen + 1);
    }
  }
  return why ? { blocked, reason: why } : null;
}

/** The same question again within the hour, after its short answer: the detailed answer (when there is one). */
function askedAgain(p: PlanInput, ruleId: string): boolean {
  return recent(p).some((h) => h.kind === 'rule' && h.ruleId === ruleId && h.layer !== 'detailed');
}

/** A message right after a short answer (within 30 s) that matched nothing: "more?" gets the detailed one. */
function followUp(p: PlanInput, language: ReplyLanguage): { ruleId: string; content: MessageContent } | null {
  const last = [...recent(p)].sort((x, y) => y.at.getTime() - x.at.getTime())[0];
  if (!last || last.kind !== 'rule' || last.layer === 'detailed' || !last.ruleId) return null;
  if (p.now.getTime() - last.at.getTime() > LAYER_WINDOW_MS) return null;
  if (recent(p).some((h) => h.ruleId === last.ruleId && h.layer === 'detailed')) return null;
  if (!detailedOf(p.automation, last.ruleId)) return null;
  const content = ruleContent(p.automation, last.ruleId, 'detailed', language);
  return content ? { ruleId: last.ruleId, content } : null;
}

function detailedOf(a: CompiledAutomation, ruleId: string): MessageContent | null {
  return a.keywords.rules.find((r) => r.rule.id === ruleId)?.detailedResponse ?? null;
}

/** A keyword rule's short or detailed answer in a language (its variant, else the base); null: none. */
function ruleContent(
  a: CompiledAutomation,
  ruleId: string,
  layer: 'short' | 'detailed',
  language: ReplyLanguage,
): MessageContent | null {
  const variants = a.ruleVariants.get(ruleId)?.[layer];
  if (variants) return inLanguage(variants, language).content;
  const rule = a.keywords.rules.find((r) => r.rule.id === ruleId);
  return (layer === 'detailed' ? rule?.detailedResponse : rule?.response) ?? null;
}

/** A menu option's response in a language (validated at compile). */
function optionResponse(response: unknown, language: ReplyLanguage): MessageContent {
  const { base, variants } = splitVariants(response);
  return (variants[language] ?? base) as MessageContent;
}

/** The message of a menu (validated at compile, so it exists). */
function menuContent(a: CompiledAutomation, menuId: string): MessageContent {
  const menu = a.menus.get(menuId);
  if (!menu) throw new Error(`menu ${menuId} vanished after compile`);
  return renderMenu(menu);
}

function wantsWelcome(p: PlanInput): boolean {
  const w = p.automation.config.welcome;
  if (!p.automation.welcome) return false;
  if (!p.previousInboundAt) return true;
  return w.afterDays !== null && p.now.getTime() - p.previousInboundAt.getTime() >= w.afterDays * 86_400_000;
}

function awayDue(p: PlanInput): boolean {
  if (!p.lastAwayAt) return true;
  return p.now.getTime() - p.lastAwayAt.getTime() >= p.automation.config.away.everyHours * 3_600_000;
}

/** The routing rule that applies: the best keyword routing match, or the first condition-only rule in scope. */
function route(p: PlanInput): Plan['routing'] {
  const a = p.automation;
  const ev = evaluate(a.routing, {
    text: p.input.text,
    phoneNumberId: p.phoneNumberId,
    now: p.now,
    inBusinessHours: p.inBusinessHours,
    contact: p.contact,
  });
  const byKeyword = ev.kind === 'reply' ? a.config.routingRules.find((r) => r.id === ev.ruleId) : undefined;
  const byCondition = a.conditionRouting.find((r) => appliesTo(r.rule.scope, r.condition, p))?.rule;
  const rule =
    byKeyword && byCondition
      ? byCondition.priority > byKeyword.priority
        ? byCondition
        : byKeyword
      : (byKeyword ?? byCondition);
  if (!rule) return null;
  return { ruleId: rule.id, ...rule.action };
}

/**
 * A built-in reply (handoff or fallback) in the customer's language, with the expected wait filled in — or,
 * outside business hours (`opens` given: the next opening time as the customer reads it), the closed text
 * naming when replies start: promising a wait in minutes at night would be false.
 */
export function builtInText(
  config: CompiledAutomation['config'],
  text: { key: 'handoff' | 'fallback'; language: ReplyLanguage },
  waitMinutes: number | null,
  opens: string | null = null,
): string {
  const m = config.handoffMessages;
  const ja = text.language === 'ja';
  let template: string;
  if (opens !== null)
    template =
      text.key === 'fallback' ? (ja ? m.jaFallbackClosed : m.enFallbackClosed) : ja ? m.jaClosed : m.enClosed;
  else if (text.key === 'fallback') template = ja ? m.jaFallback : m.enFallback;
  else if (waitMinutes === null) template = ja ? m.jaNoAgents : m.enNoAgents;
  else template = ja ? m.ja : m.en;
  return template
    .replaceAll('{wait}', waitMinutes === null ? '—' : String(waitMinutes))
    .replaceAll('{opens}', opens ?? '—');
}
