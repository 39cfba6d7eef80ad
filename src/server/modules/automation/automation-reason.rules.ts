/**
 * Automation reasons in English (pure): the text kept in `automation_runs.reason` and in the `body` of a
 * conversation's automation line, for logs and API clients. The console words the structured reason
 * (`data.reason`, see contracts/automation.schemas.ts) in the reader's language instead.
 */
import type { AutomationReason } from '../../../contracts/automation.schemas.ts';

type Params = AutomationReason['params'];
const s = (p: Params, k: string): string => String(p[k] ?? '');

const ENGLISH: Record<AutomationReason['code'], (p: Params) => string> = {
  paused: () => 'automation is paused: a person handles this conversation',
  handoff_phrase: (p) => `the customer asked for a person ("${s(p, 'phrase')}")`,
  handoff_option: (p) => `menu option "${s(p, 'option')}"`,
  menu_option: (p) => `menu "${s(p, 'menu')}": option ${s(p, 'option')}`,
  keyword: (p) => `keyword "${s(p, 'keyword')}" (${s(p, 'mode')}) matched rule ${s(p, 'rule')}`,
  follow_up: (p) => `a reply within ${s(p, 'seconds')} s of a short answer: the detailed one`,
  not_menu_answer: (p) => `not an answer to menu "${s(p, 'menu')}"`,
  no_rule: () => 'no rule matched',
  outside_hours: () => 'outside business hours',
  first_message: () => "the contact's first message",
  long_silence: () => 'first message after a long silence',
  loop_repeat: (p) =>
    `loop guard: the same automatic reply ${s(p, 'count')} times in ${s(p, 'minutes')} minutes`,
  loop_volume: (p) => `loop guard: ${s(p, 'count')} automatic replies in ${s(p, 'minutes')} minutes`,
  routing_rule: (p) => `routing rule ${s(p, 'rule')}`,
  negative_streak: () => 'negative messages in a row',
  unread_reassigned: (p) => `unread for ${s(p, 'minutes')} min: reassigned`,
  unread_no_agent: (p) => `unread for ${s(p, 'minutes')} min, but no other agent is available`,
  resumed: () => 'automation resumed',
  none: () => '',
};

/** A reason. */
export function reason(code: AutomationReason['code'], params: Params = {}): AutomationReason {
  return { code, params };
}

/** The reason in English. */
export function reasonText(r: AutomationReason): string {
  return ENGLISH[r.code](r.params);
}
