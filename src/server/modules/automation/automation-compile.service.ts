/**
 * Compiling a workspace's automation document: validation of everything an admin can get wrong (with a path
 * per error, so the console can point at the field) and the compiled matchers the engine evaluates. Keyword
 * rules and keyword routing rules are compiled by the rule compiler (rule-compile.rules.ts); menus, welcome,
 * away and conditional content are checked here. The Japanese dictionary is loaded only when some keyword is
 * Japanese (rule-compile.service.ts).
 */
import { z } from 'zod';
import { MessageContentSchema, type MessageContent } from '../../../contracts/whatsapp/send.schemas.ts';
import {
  AutomationConfigSchema,
  type AutomationConfig,
  type Menu,
  type RoutingRule,
} from '../../../contracts/automation-document.schemas.ts';
import type { CompileError, RuleInput } from '../../../contracts/automation-rules.schemas.ts';
import type { ConditionNode } from '../../../contracts/condition.schemas.ts';
import { parseCondition } from '../conditions/condition-parse.rules.ts';
import { renderMenu } from './menu-render.rules.ts';
import { checkContentTemplates } from './response-template.rules.ts';
import type { CompiledRuleSet } from './rule-compile.rules.ts';
import { compileRuleSetLazily } from './rule-compile.service.ts';
import { REPLY_LANGUAGES, type ReplyLanguage } from './reply-language.rules.ts';

/** A response may show a menu instead of a message: `{"type": "menu", "menuId": "…"}`. */
const MenuRefSchema = z.object({ type: z.literal('menu'), menuId: z.string().min(1) });

/** A response resolved for sending: a message, or a menu (its message plus the menu to await answers to). */
export type CompiledResponse = {
  content: MessageContent;
  menuId: string | null;
  /** The same response in other languages (`variants.en` of the saved response), chosen by reply-language.rules.ts. */
  variants?: Partial<Record<ReplyLanguage, CompiledResponse>>;
};

/**
 * A saved response with its language variants split off: `{ …message, variants: { en: {…message} } }` is the
 * base message (the workspace's default language) plus one message per other language.
 */
export function splitVariants(value: unknown): {
  base: unknown;
  variants: Partial<Record<ReplyLanguage, unknown>>;
} {
  if (typeof value !== 'object' || value === null || !('variants' in value))
    return { base: value, variants: {} };
  const { variants, ...base } = value as Record<string, unknown>;
  const out: Partial<Record<ReplyLanguage, unknown>> = {};
  if (typeof variants === 'object' && variants !== null)
    for (const lang of REPLY_LANGUAGES) {
      const v = (variants as Record<string, unknown>)[lang];
      if (v !== undefined && v !== null) out[lang] = v;
    }
  return { base, variants: out };
}

/** The response in a language: its variant when it has one, else itself. */
export function inLanguage(response: CompiledResponse, language: ReplyLanguage): CompiledResponse {
  return response.variants?.[language] ?? response;
}

/** A document ready for the engine. */
export interface CompiledAutomation {
  version: number;
  config: AutomationConfig;
  keywords: CompiledRuleSet;
  /** Keyword routing rules; the rule ids are those of `config.routingRules`. */
  routing: CompiledRuleSet;
  /** Routing rules without keywords (by condition, number or hours only), highest priority first. */
  conditionRouting: Array<{ rule: RoutingRule; condition: ConditionNode | null }>;
  menus: Map<string, Menu>;
  /** Keyword rules whose response is a menu. */
  ruleMenus: Map<string, string>;
  /** Keyword rules' responses with their language variants (only rules that have variants). */
  ruleVariants: Map<string, { short: CompiledResponse | null; detailed: CompiledResponse | null }>;
  welcome: CompiledResponse | null;
  away: CompiledResponse | null;
}

/** An error in the document: a stable code, a message and the path of the field (e.g. `keywordRules.2.response`). */
export interface AutomationError {
  code: CompileError['code'] | 'invalid_menu';
  message: string;
  path: string;
}

export type AutomationCompilation =
  { ok: true; automation: CompiledAutomation } | { ok: false; errors: AutomationError[] };

/** A placeholder reply for routing rules: they route, they never answer (the rule compiler wants a response). */
const NO_REPLY = { type: 'text', text: { body: 'route' } };

/** Validates and compiles an automation document. */
export async function compileAutomation(input: unknown, version: number): Promise<AutomationCompilation> {
  const parsed = AutomationConfigSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({
        code: 'invalid_rule',
        message: i.message,
        path: i.path.join('.'),
      })),
    };
  }
  const config = parsed.data;
  const errors: AutomationError[] = [];
  const menus = checkMenus(config.menus, errors);
  const resolve = (value: unknown, path: string): CompiledResponse | null =>
    resolveResponse(value, path, menus, errors);

  const ruleMenus = new Map<string, string>();
  const ruleVariants: CompiledAutomation['ruleVariants'] = new Map();
  const keywordRules: RuleInput[] = config.keywordRules.map((rule, i) => {
    const response = resolve(rule.response, `keywordRules.${i}.response`);
    if (response?.menuId) ruleMenus.set(rule.id, response.menuId);
    const detailed = splitVariants(rule.detailedResponse);
    for (const message of checkContentTemplates(detailed.base))
      errors.push({ code: 'invalid_condition', message, path: `keywordRules.${i}.detailedResponse` });
    const detailedVariants =
      Object.keys(detailed.variants).length > 0
        ? resolve(rule.detailedResponse, `keywordRules.${i}.detailedResponse`)
        : null;
    if (response?.variants || detailedVariants)
      ruleVariants.set(rule.id, { short: response?.variants ? response : null, detailed: detailedVariants });
    return {
      ...rule,
      response: response?.content ?? splitVariants(rule.response).base,
      detailedResponse: detailed.base,
    };
  });
  const welcome = config.welcome.enabled ? resolve(config.welcome.response, 'welcome.response') : null;
  const away = config.away.enabled ? resolve(config.away.response, 'away.response') : null;

  const keywordRouting = config.routingRules.filter((r) => r.triggers.length > 0);
  const [keywords, routing] = await Promise.all([
    compileRuleSetLazily({ version: String(version), rules: keywordRules }),
    compileRuleSetLazily({
      version: String(version),
      rules: keywordRouting.map((r) => ({ ...r, response: NO_REPLY })),
    }),
  ]);
  if (!keywords.ok)
    errors.push(
      ...keywords.errors.map((e) => ({ ...e, path: `keywordRules.${e.path.replace(/^rules\./, '')}` })),
    );
  if (!routing.ok) {
    for (const e of routing.errors) {
      const index = Number(/^rules\.(\d+)/.exec(e.path)?.[1] ?? -1);
      const original = config.routingRules.indexOf(keywordRouting[index] as RoutingRule);
      errors.push({ ...e, path: e.path.replace(/^rules\.\d+/, `routingRules.${original}`) });
    }
  }
  const conditionRouting = compileConditionRouting(config.routingRules, errors);
  if (errors.length > 0 || !keywords.ok || !routing.ok) return { ok: false, errors };
  return {
    ok: true,
    automation: {
      version,
      config,
      keywords: keywords.ruleSet,
      routing: routing.ruleSet,
      conditionRouting,
      menus,
      ruleMenus,
      ruleVariants,
      welcome,
      away,
    },
  };
}

/**
 * Routing rules without keywords, with their conditions parsed once (an invalid one is refused like a keyword
 * rule's), highest priority first.
 */
function compileConditionRouting(
  rules: RoutingRule[],
  errors: AutomationError[],
): CompiledAutomation['conditionRouting'] {
  const out: CompiledAutomation['conditionRouting'] = [];
  rules.forEach((rule, i) => {
    if (rule.triggers.length > 0) return;
    let condition: ConditionNode | null = null;
    if (rule.condition?.trim()) {
      const parsed = parseCondition(rule.condition);
      if (parsed.ok) condition = parsed.ast;
      else
        errors.push({
          code: 'invalid_condition',
          message: `${parsed.error.message} (at ${parsed.error.position})`,
          path: `routingRules.${i}.condition`,
        });
    }
    if (rule.enabled) out.push({ rule, condition });
  });
  return out.sort((a, b) => b.rule.priority - a.rule.priority);
}

/** Checks menus: unique ids, existing submenus, what buttons and lists allow; every option leads somewhere. */
function checkMenus(list: Menu[], errors: AutomationError[]): Map<string, Menu> {
  const menus = new Map<string, Menu>();
  list.forEach((menu, i) => {
    if (menus.has(menu.id))
      errors.push({
        code: 'invalid_menu',
        message: `menu id ${menu.id} is used twice`,
        path: `menus.${i}.id`,
      });
    menus.set(menu.id, menu);
    if (menu.style === 'buttons' && menu.options.length > 3)
      errors.push({
        code: 'invalid_menu',
        message: 'reply buttons allow at most 3 options; use a list',
        path: `menus.${i}.options`,
      });
    menu.options.forEach((o, j) => {
      const at = `menus.${i}.options.${j}`;
      if (menu.style === 'buttons' && [...o.title].length > 20)
        errors.push({
          code: 'invalid_menu',
          message: 'a button title is at most 20 characters',
          path: `${at}.title`,
        });
      if (!o.handoff && o.submenuId === undefined && o.response === undefined)
        errors.push({
          code: 'invalid_menu',
          message: 'an option needs a response, a submenu or a handoff',
          path: at,
        });
    });
  });
  list.forEach((menu, i) =>
    menu.options.forEach((o, j) => {
      if (o.submenuId !== undefined && !menus.has(o.submenuId))
        errors.push({
          code: 'invalid_menu',
          message: `no menu with id ${o.submenuId}`,
          path: `menus.${i}.options.${j}.submenuId`,
        });
      if (o.response !== undefined)
        resolveResponse(o.response, `menus.${i}.options.${j}.response`, menus, errors);
    }),
  );
  for (const [i, menu] of list.entries()) {
    const content = MessageContentSchema.safeParse(renderMenu(menu));
    if (!content.success)
      errors.push({
        code: 'invalid_menu',
        message: content.error.issues[0]?.message ?? 'invalid',
        path: `menus.${i}`,
      });
  }
  return menus;
}

/**
 * A response as sent: a menu reference becomes the menu's message; templates and WhatsApp limits are checked;
 * language variants (`variants.en`) are resolved the same way.
 */
export function resolveResponse(
  value: unknown,
  path: string,
  menus: Map<string, Menu>,
  errors: AutomationError[],
): CompiledResponse | null {
  const { base, variants } = splitVariants(value);
  const resolved = resolveOne(base, path, menus, errors);
  if (!resolved || Object.keys(variants).length === 0) return resolved;
  const out: Partial<Record<ReplyLanguage, CompiledResponse>> = {};
  for (const [lang, v] of Object.entries(variants) as Array<[ReplyLanguage, unknown]>) {
    const r = resolveOne(v, `${path}.variants.${lang}`, menus, errors);
    if (r) out[lang] = r;
  }
  return { ...resolved, variants: out };
}

function resolveOne(
  value: unknown,
  path: string,
  menus: Map<string, Menu>,
  errors: AutomationError[],
): CompiledResponse | null {
  const ref = MenuRefSchema.safeParse(value);
  if (ref.success) {
    const menu = menus.get(ref.data.menuId);
    if (!menu) {
      errors.push({
        code: 'invalid_response',
        message: `no menu with id ${ref.data.menuId}`,
        path: `${path}.menuId`,
      });
      return null;
    }
    return { content: renderMenu(menu), menuId: menu.id };
  }
  const parsed = MessageContentSchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      errors.push({
        code: 'invalid_response',
        message: issue.message,
        path: [path, ...issue.path.map(String)].join('.'),
      });
    return null;
  }
  for (const message of checkContentTemplates(parsed.data))
    errors.push({ code: 'invalid_condition', message, path });
  return { content: parsed.data, menuId: null };
}
