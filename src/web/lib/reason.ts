import type { TFunction } from 'i18next';
import { AutomationReasonSchema, type AutomationReason } from '../../contracts/automation.schemas.ts';

/**
 * Why automation did something, in the reader's language. Activities carry the reason structured
 * (`data.reason = {code, params}`); lines written before that carry only an English `body`, which is mapped
 * back to a reason when it is one of the known sentences, and shown as it is otherwise.
 */
export function reasonText(data: Record<string, unknown>, body: string | null, t: TFunction): string {
  const parsed = AutomationReasonSchema.safeParse(data.reason);
  const reason = parsed.success ? parsed.data : body ? fromEnglish(body) : null;
  if (!reason) return body ?? '';
  if (reason.code === 'none') return '';
  const params: Record<string, unknown> = { ...reason.params };
  if (typeof params.mode === 'string')
    params.mode = t(`automation.modes.${params.mode}`, { defaultValue: params.mode });
  return t(`automationReason.${reason.code}`, params);
}

const OLD: Array<[RegExp, (m: RegExpExecArray) => AutomationReason]> = [
  [
    /^keyword "(.*)" \((\w+)\) matched rule (.+)$/,
    (m) => r('keyword', { keyword: m[1]!, mode: m[2]!, rule: m[3]! }),
  ],
  [
    /^loop guard: (\d+) automatic replies in the last hour$/,
    (m) => r('loop_volume', { count: Number(m[1]), minutes: 60 }),
  ],
  [/^automation is paused/, () => r('paused')],
  [/^(automation: )?outside business hours$/, () => r('outside_hours')],
  [/^the customer asked for a person \("(.*)"\)$/, (m) => r('handoff_phrase', { phrase: m[1]! })],
  [/^menu option "(.*)"$/, (m) => r('handoff_option', { option: m[1]! })],
  [/^menu "(.*)": option (.*)$/, (m) => r('menu_option', { menu: m[1]!, option: m[2]! })],
  [/^not an answer to menu "(.*)"$/, (m) => r('not_menu_answer', { menu: m[1]! })],
  [/^no rule matched$/, () => r('no_rule')],
  [/^the contact's first message$/, () => r('first_message')],
  [/^first message after a long silence$/, () => r('long_silence')],
  [/^routing rule (.+)$/, (m) => r('routing_rule', { rule: m[1]! })],
  [/^negative messages in a row$/, () => r('negative_streak')],
  [/^unread for (\d+) min: reassigned$/, (m) => r('unread_reassigned', { minutes: Number(m[1]) })],
  [/^unread for (\d+) min, but no other/, (m) => r('unread_no_agent', { minutes: Number(m[1]) })],
  [/^automation resumed$/, () => r('resumed')],
];

function r(code: AutomationReason['code'], params: AutomationReason['params'] = {}): AutomationReason {
  return { code, params };
}

/** An English reason of an old activity line as a structured one, or null when it is not one of ours. */
export function fromEnglish(body: string): AutomationReason | null {
  const text = body.replace(/^automation: /, '');
  for (const [re, make] of OLD) {
    const m = re.exec(text);
    if (m) return make(m);
  }
  return null;
}
