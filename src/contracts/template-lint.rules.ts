/**
 * The template linter: Meta's creation rules applied to a draft before it is submitted, so the console can say
 * what to fix as the user types and the API refuses what Meta would reject (`template_invalid`). Pure: no I/O,
 * no clock. Each finding has a stable `code`, a JSON pointer `path` into the draft and `params` (limits and
 * actual values) for the console to word in ja or en.
 *
 * Sources: the limits and variable rules of ../shared/whatsapp-cloud-api.md §5.3 and §1.12 (header 60, body
 * 1,024, footer 60, button label 25, URL 2,000 with one trailing `{{1}}`, phone number 20, copy code 15, 10
 * buttons with quick replies grouped, ≤10 quick replies, ≤2 URL, 1 phone, 1 copy code; authentication presets
 * and `code_expiration_minutes` 1–90). Where that reference is silent, Meta's "Template review" page
 * (developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-review, "Common
 * rejection reasons"): no special characters inside a variable, sequential variables, no dangling variable,
 * no adjacent variables, not "too many variable parameters relative to the message length" (no number is
 * published: we warn below 2 fixed words per variable plus one — the "3 words per variable" rule of thumb
 * counted with the variables themselves — and count CJK text as one word per two characters), and no emoji,
 * asterisk, formatting or newline in the header nor emoji or newline in the footer.
 */
import type { LintFinding, TemplateButton, TemplateComponent, TemplateDraft } from './template.schemas.ts';

/** Limits used by the linter (characters are Unicode code points). */
export const TEMPLATE_LIMITS = {
  nameMax: 512,
  headerText: 60,
  bodyText: 1024,
  footerText: 60,
  buttonText: 25,
  buttonsTotal: 10,
  quickReplies: 10,
  urlButtons: 2,
  phoneButtons: 1,
  copyCodeButtons: 1,
  url: 2000,
  phoneNumber: 20,
  copyCodeExample: 15,
  codeExpirationMin: 1,
  codeExpirationMax: 90,
} as const;

type Params = Record<string, string | number>;

/** Accumulates findings. */
class Findings {
  readonly list: LintFinding[] = [];
  error(code: string, path: string, params: Params = {}): void {
    this.list.push({ code, severity: 'error', path, params });
  }
  warn(code: string, path: string, params: Params = {}): void {
    this.list.push({ code, severity: 'warning', path, params });
  }
}

/** Length in code points (what Meta counts; an emoji is one character, not two UTF-16 units). */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** One `{{…}}` in a text: its raw inside, where it starts and ends. */
export interface Placeholder {
  raw: string;
  name: string;
  kind: 'positional' | 'named' | 'invalid';
  start: number;
  end: number;
}

/** The `{{…}}` of a text in order, each classified: `{{1}}` positional, `{{first_name}}` named, else invalid. */
export function placeholdersOf(text: string): Placeholder[] {
  const out: Placeholder[] = [];
  for (const m of text.matchAll(/\{\{([^{}]*)\}\}/g)) {
    const raw = m[1] ?? '';
    const name = raw.trim();
    const kind = /^[1-9]\d*$/.test(raw) ? 'positional' : /^[a-z][a-z0-9_]*$/.test(raw) ? 'named' : 'invalid';
    out.push({ raw, name, kind, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Distinct variable names of a text in order of first appearance (valid ones only). */
export function variableNames(text: string | undefined): string[] {
  const seen: string[] = [];
  for (const p of placeholdersOf(text ?? ''))
    if (p.kind !== 'invalid' && !seen.includes(p.name)) seen.push(p.name);
  return seen;
}

/** Braces left over once the well-formed `{{…}}` are removed: a `{{1}` or `{1}}` typo. */
function hasStrayBraces(text: string): boolean {
  const rest = text.replace(/\{\{[^{}]*\}\}/g, ' ');
  return /\{\{|\}\}|\{[^{}\s]*\}/.test(rest);
}

const EMOJI = /\p{Extended_Pictographic}/u;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/** Words of the fixed text (variables removed): Latin-like words count one, CJK text one per two characters. */
export function fixedWordCount(text: string): number {
  const fixed = text.replace(/\{\{[^{}]*\}\}/g, ' ');
  const cjk = fixed.match(CJK)?.length ?? 0;
  const latin = fixed.replace(CJK, ' ').match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
  return latin + Math.ceil(cjk / 2);
}

const isUrl = (s: string): boolean => /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(s);

/**
 * Lints a draft template. Returns every finding (errors and warnings), in component order; an empty list means
 * Meta's published rules are met (its human review may still reject the content).
 */
export function lintTemplate(draft: TemplateDraft): LintFinding[] {
  const f = new Findings();
  lintName(f, draft.name);
  if (!/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/.test(draft.language))
    f.error('language_invalid', '/language', { value: draft.language });
  const byType = new Map<string, number>();
  draft.components.forEach((c, i) => {
    if (byType.has(c.type)) f.error('component_duplicate', `/components/${i}`, { type: c.type });
    else byType.set(c.type, i);
  });
  const bodyIndex = byType.get('BODY');
  if (bodyIndex === undefined) f.error('body_missing', '/components', {});
  const format = draft.parameterFormat ?? 'POSITIONAL';
  const auth = draft.category === 'AUTHENTICATION';
  draft.components.forEach((c, i) => {
    if (byType.get(c.type) !== i) return;
    const path = `/components/${i}`;
    if (auth) lintAuthComponent(f, c, path);
    else lintComponent(f, c, path, format, draft.category);
  });
  if (auth && !draft.components.some((c) => c.type === 'BUTTONS'))
    f.error('auth_otp_button_required', '/components', {});
  lintVariableKinds(f, draft, format);
  return f.list;
}

/** Whether findings leave the draft submittable (warnings only). */
export function lintPasses(findings: LintFinding[]): boolean {
  return findings.every((x) => x.severity !== 'error');
}

function lintName(f: Findings, name: string): void {
  if (name.length === 0) return f.error('name_required', '/name');
  if (charCount(name) > TEMPLATE_LIMITS.nameMax)
    f.error('name_too_long', '/name', { max: TEMPLATE_LIMITS.nameMax, actual: charCount(name) });
  if (!/^[a-z0-9_]+$/.test(name)) f.error('name_format', '/name', { value: name.slice(0, 60) });
}

function lintComponent(
  f: Findings,
  c: TemplateComponent,
  path: string,
  format: 'POSITIONAL' | 'NAMED',
  category: string,
): void {
  switch (c.type) {
    case 'HEADER':
      return lintHeader(f, c, path, format, category);
    case 'BODY':
      if (c.add_security_recommendation !== undefined)
        f.error('auth_only_field', `${path}/add_security_recommendation`, {
          field: 'add_security_recommendation',
        });
      return lintBody(f, c, path, format);
    case 'FOOTER':
      if (c.code_expiration_minutes !== undefined)
        f.error('auth_only_field', `${path}/code_expiration_minutes`, { field: 'code_expiration_minutes' });
      return lintFooter(f, c.text, path);
    case 'BUTTONS':
      return lintButtons(f, c.buttons, `${path}/buttons`);
  }
}

function lintHeader(
  f: Findings,
  c: Extract<TemplateComponent, { type: 'HEADER' }>,
  path: string,
  format: 'POSITIONAL' | 'NAMED',
  category: string,
): void {
  if (c.format === 'LOCATION') {
    if (category !== 'MARKETING' && category !== 'UTILITY')
      f.error('header_location_category', `${path}/format`, { category });
    return;
  }
  if (c.format !== 'TEXT') {
    if (!c.example?.header_handle?.[0])
      f.error('header_media_example_missing', `${path}/example/header_handle`, { format: c.format });
    return;
  }
  const text = c.text ?? '';
  if (text.trim().length === 0) return f.error('header_text_missing', `${path}/text`);
  const n = charCount(text);
  if (n > TEMPLATE_LIMITS.headerText)
    f.error('header_too_long', `${path}/text`, { max: TEMPLATE_LIMITS.headerText, actual: n });
  if (/[\n\r*]/.test(text) || EMOJI.test(text)) f.error('header_invalid_characters', `${path}/text`);
  lintPlaceholderSyntax(f, text, `${path}/text`);
  const vars = variableNames(text);
  if (vars.length > 1) f.error('header_too_many_variables', `${path}/text`, { max: 1, actual: vars.length });
  if (vars.length === 0) return;
  if (format === 'POSITIONAL' && vars.some((v) => /^\d+$/.test(v)) && vars[0] !== '1')
    f.error('variables_not_sequential', `${path}/text`, { expected: '{{1}}' });
  lintExamples(
    f,
    vars,
    format,
    c.example?.header_text,
    c.example?.header_text_named_params,
    `${path}/example`,
    'header',
  );
}

function lintBody(
  f: Findings,
  c: Extract<TemplateComponent, { type: 'BODY' }>,
  path: string,
  format: 'POSITIONAL' | 'NAMED',
): void {
  const text = c.text ?? '';
  const at = `${path}/text`;
  if (text.trim().length === 0) return f.error('body_text_missing', at);
  const n = charCount(text);
  if (n > TEMPLATE_LIMITS.bodyText)
    f.error('body_too_long', at, { max: TEMPLATE_LIMITS.bodyText, actual: n });
  lintPlaceholderSyntax(f, text, at);
  const all = placeholdersOf(text).filter((p) => p.kind !== 'invalid');
  if (all.length === 0) return;
  const trimmed = text.trim();
  if (/^\{\{[^{}]*\}\}/.test(trimmed)) f.error('variable_at_start', at, { variable: `{{${all[0]?.raw}}}` });
  if (/\{\{[^{}]*\}\}$/.test(trimmed)) f.error('variable_at_end', at, { variable: `{{${all.at(-1)?.raw}}}` });
  for (let i = 1; i < all.length; i++) {
    const between = text.slice(all[i - 1]!.end, all[i]!.start);
    if (/^[\s\p{P}]*$/u.test(between) && !/[.!?。！？]/u.test(between)) {
      f.error('variables_adjacent', at, { first: `{{${all[i - 1]!.raw}}}`, second: `{{${all[i]!.raw}}}` });
      break;
    }
  }
  const vars = variableNames(text);
  if (format === 'POSITIONAL' && vars.every((v) => /^\d+$/.test(v))) {
    const nums = vars.map(Number);
    const sorted = [...nums].sort((a, b) => a - b);
    if (sorted.some((v, i) => v !== i + 1) || nums.some((v, i) => v !== sorted[i]))
      f.error('variables_not_sequential', at, { expected: nums.map((_, i) => `{{${i + 1}}}`).join(', ') });
  }
  const words = fixedWordCount(text);
  const minimum = 2 * vars.length + 1;
  if (words < minimum)
    f.warn('variables_too_dense', at, { variables: vars.length, words, minimumWords: minimum });
  lintExamples(
    f,
    vars,
    format,
    c.example?.body_text?.[0],
    c.example?.body_text_named_params,
    `${path}/example`,
    'body',
  );
}

/** `{{First Name}}`, `{{$1}}` and unbalanced braces. */
function lintPlaceholderSyntax(f: Findings, text: string, at: string): void {
  for (const p of placeholdersOf(text))
    if (p.kind === 'invalid') f.error('variable_invalid', at, { variable: `{{${p.raw}}}` });
  if (hasStrayBraces(text)) f.error('variable_braces', at);
}

/** Examples: one non-empty sample per variable (positional: `[…]` in order; named: `{param_name, example}`). */
function lintExamples(
  f: Findings,
  vars: string[],
  format: 'POSITIONAL' | 'NAMED',
  positional: string[] | undefined,
  named: Array<{ param_name: string; example: string }> | undefined,
  at: string,
  where: 'header' | 'body',
): void {
  if (format === 'NAMED') {
    const key = where === 'header' ? 'header_text_named_params' : 'body_text_named_params';
    for (const v of vars) {
      const sample = named?.find((x) => x.param_name === v)?.example;
      if (sample === undefined) f.error('example_missing', `${at}/${key}`, { variable: v });
      else if (sample.trim() === '') f.error('example_empty', `${at}/${key}`, { variable: v });
    }
    return;
  }
  const key = where === 'header' ? 'header_text' : 'body_text/0';
  const samples = positional ?? [];
  if (samples.length < vars.length)
    f.error('example_missing', `${at}/${key}`, { expected: vars.length, actual: samples.length });
  samples.slice(0, vars.length).forEach((s, i) => {
    if (s.trim() === '') f.error('example_empty', `${at}/${key}/${i}`, { variable: `{{${i + 1}}}` });
  });
}

function lintFooter(f: Findings, text: string | undefined, path: string): void {
  const t = text ?? '';
  const at = `${path}/text`;
  if (t.trim().length === 0) return f.error('footer_text_missing', at);
  const n = charCount(t);
  if (n > TEMPLATE_LIMITS.footerText)
    f.error('footer_too_long', at, { max: TEMPLATE_LIMITS.footerText, actual: n });
  if (/\{\{[^{}]*\}\}/.test(t)) f.error('footer_variables', at);
  if (/[\n\r]/.test(t) || EMOJI.test(t)) f.error('footer_invalid_characters', at);
}

function lintButtons(f: Findings, buttons: TemplateButton[], at: string): void {
  if (buttons.length === 0) return f.error('buttons_empty', at);
  if (buttons.length > TEMPLATE_LIMITS.buttonsTotal)
    f.error('buttons_too_many', at, { max: TEMPLATE_LIMITS.buttonsTotal, actual: buttons.length });
  const count = (type: string) => buttons.filter((b) => b.type === type).length;
  const caps: Array<[string, number, string]> = [
    ['QUICK_REPLY', TEMPLATE_LIMITS.quickReplies, 'quick_replies_too_many'],
    ['URL', TEMPLATE_LIMITS.urlButtons, 'url_buttons_too_many'],
    ['PHONE_NUMBER', TEMPLATE_LIMITS.phoneButtons, 'phone_buttons_too_many'],
    ['COPY_CODE', TEMPLATE_LIMITS.copyCodeButtons, 'copy_code_buttons_too_many'],
  ];
  for (const [type, max, code] of caps)
    if (count(type) > max) f.error(code, at, { max, actual: count(type) });
  // Quick replies must sit together: QR…QR then the others, or the others then QR…QR.
  const kinds = buttons.map((b) => (b.type === 'QUICK_REPLY' ? 'q' : 'o')).join('');
  if (/q+o+q|o+q+o/.test(kinds)) f.error('buttons_not_grouped', at);
  const seen = new Map<string, number>();
  buttons.forEach((b, i) => {
    const p = `${at}/${i}`;
    if (b.type === 'OTP') f.error('otp_button_not_allowed', `${p}/type`);
    if (b.type !== 'COPY_CODE') lintButtonText(f, b.text, p, seen, i);
    if (b.type === 'URL') lintUrlButton(f, b, p);
    if (b.type === 'PHONE_NUMBER') {
      const phone = (b.phone_number ?? '').replace(/[\s-]/g, '');
      if (phone === '') f.error('phone_missing', `${p}/phone_number`);
      else if (!/^\+?\d{5,20}$/.test(phone) || charCount(b.phone_number ?? '') > TEMPLATE_LIMITS.phoneNumber)
        f.error('phone_invalid', `${p}/phone_number`, { max: TEMPLATE_LIMITS.phoneNumber });
    }
    if (b.type === 'COPY_CODE') {
      const ex = Array.isArray(b.example) ? b.example[0] : b.example;
      if (!ex) f.error('copy_code_example_missing', `${p}/example`);
      else if (charCount(ex) > TEMPLATE_LIMITS.copyCodeExample)
        f.error('copy_code_example_too_long', `${p}/example`, {
          max: TEMPLATE_LIMITS.copyCodeExample,
          actual: charCount(ex),
        });
    }
  });
}

function lintButtonText(
  f: Findings,
  text: string | undefined,
  p: string,
  seen: Map<string, number>,
  i: number,
): void {
  const t = (text ?? '').trim();
  if (t === '') return f.error('button_text_missing', `${p}/text`);
  const n = charCount(t);
  if (n > TEMPLATE_LIMITS.buttonText)
    f.error('button_text_too_long', `${p}/text`, { max: TEMPLATE_LIMITS.buttonText, actual: n });
  if (/\{\{[^{}]*\}\}/.test(t)) f.error('button_text_variables', `${p}/text`);
  const first = seen.get(t);
  if (first !== undefined) f.error('button_text_duplicate', `${p}/text`, { other: first });
  else seen.set(t, i);
}

function lintUrlButton(f: Findings, b: TemplateButton, p: string): void {
  const url = b.url ?? '';
  if (url.trim() === '') return f.error('url_missing', `${p}/url`);
  const n = charCount(url);
  if (n > TEMPLATE_LIMITS.url) f.error('url_too_long', `${p}/url`, { max: TEMPLATE_LIMITS.url, actual: n });
  const vars = placeholdersOf(url);
  if (!isUrl(url.replace(/\{\{[^{}]*\}\}/g, 'x'))) f.error('url_invalid', `${p}/url`);
  if (vars.length > 1) f.error('url_too_many_variables', `${p}/url`, { max: 1, actual: vars.length });
  if (vars.length === 0) return;
  if (vars.some((v) => v.raw !== '1')) f.error('url_variable_invalid', `${p}/url`, { expected: '{{1}}' });
  if (vars.at(-1)!.end !== url.length) f.error('url_variable_not_at_end', `${p}/url`);
  const ex = Array.isArray(b.example) ? b.example[0] : b.example;
  if (!ex || ex.trim() === '') f.error('url_example_missing', `${p}/example`);
}

/** Authentication templates: Meta's preset text; only the security line, the expiry and one OTP button. */
function lintAuthComponent(f: Findings, c: TemplateComponent, path: string): void {
  switch (c.type) {
    case 'HEADER':
      return f.error('auth_header_not_allowed', path);
    case 'BODY':
      if (c.text !== undefined && c.text.trim() !== '') f.error('auth_body_text_not_allowed', `${path}/text`);
      return;
    case 'FOOTER': {
      if (c.text !== undefined && c.text.trim() !== '')
        f.error('auth_footer_text_not_allowed', `${path}/text`);
      const m = c.code_expiration_minutes;
      if (m !== undefined && (m < TEMPLATE_LIMITS.codeExpirationMin || m > TEMPLATE_LIMITS.codeExpirationMax))
        f.error('auth_code_expiration_range', `${path}/code_expiration_minutes`, {
          min: TEMPLATE_LIMITS.codeExpirationMin,
          max: TEMPLATE_LIMITS.codeExpirationMax,
          actual: m,
        });
      return;
    }
    case 'BUTTONS': {
      const otp = c.buttons.filter((b) => b.type === 'OTP');
      if (otp.length !== 1) f.error('auth_otp_button_required', `${path}/buttons`, { actual: otp.length });
      c.buttons.forEach((b, i) => {
        const p = `${path}/buttons/${i}`;
        if (b.type !== 'OTP') return f.error('auth_button_not_allowed', `${p}/type`, { type: b.type });
        if (b.otp_type === undefined) f.error('auth_otp_type_missing', `${p}/otp_type`);
        if ((b.otp_type === 'ONE_TAP' || b.otp_type === 'ZERO_TAP') && !b.supported_apps?.length)
          f.error('auth_supported_apps_missing', `${p}/supported_apps`, { otpType: b.otp_type });
        if (b.text !== undefined && charCount(b.text) > TEMPLATE_LIMITS.buttonText)
          f.error('button_text_too_long', `${p}/text`, {
            max: TEMPLATE_LIMITS.buttonText,
            actual: charCount(b.text),
          });
      });
    }
  }
}

/** Positional and named variables are not mixed, and match the declared parameter format. */
function lintVariableKinds(f: Findings, draft: TemplateDraft, format: 'POSITIONAL' | 'NAMED'): void {
  if (draft.category === 'AUTHENTICATION') return;
  const kinds = new Set<string>();
  draft.components.forEach((c) => {
    if (c.type !== 'HEADER' && c.type !== 'BODY') return;
    for (const p of placeholdersOf(c.text ?? '')) if (p.kind !== 'invalid') kinds.add(p.kind);
  });
  if (kinds.size > 1) return f.error('variables_mixed', '/components');
  const [kind] = [...kinds];
  if (kind === 'named' && format === 'POSITIONAL')
    f.error('variable_format_mismatch', '/parameterFormat', { expected: 'NAMED' });
  if (kind === 'positional' && format === 'NAMED')
    f.error('variable_format_mismatch', '/parameterFormat', { expected: 'POSITIONAL' });
}

/** Every finding code, for the console's message catalogue (ja/en) and its tests. */
export const LINT_CODES = [
  'name_required',
  'name_too_long',
  'name_format',
  'language_invalid',
  'component_duplicate',
  'body_missing',
  'auth_only_field',
  'header_location_category',
  'header_media_example_missing',
  'header_text_missing',
  'header_too_long',
  'header_invalid_characters',
  'header_too_many_variables',
  'variables_not_sequential',
  'body_text_missing',
  'body_too_long',
  'variable_at_start',
  'variable_at_end',
  'variables_adjacent',
  'variables_too_dense',
  'variable_invalid',
  'variable_braces',
  'example_missing',
  'example_empty',
  'footer_text_missing',
  'footer_too_long',
  'footer_variables',
  'footer_invalid_characters',
  'buttons_empty',
  'buttons_too_many',
  'quick_replies_too_many',
  'url_buttons_too_many',
  'phone_buttons_too_many',
  'copy_code_buttons_too_many',
  'buttons_not_grouped',
  'otp_button_not_allowed',
  'phone_missing',
  'phone_invalid',
  'copy_code_example_missing',
  'copy_code_example_too_long',
  'button_text_missing',
  'button_text_too_long',
  'button_text_variables',
  'button_text_duplicate',
  'url_missing',
  'url_too_long',
  'url_invalid',
  'url_too_many_variables',
  'url_variable_invalid',
  'url_variable_not_at_end',
  'url_example_missing',
  'auth_header_not_allowed',
  'auth_body_text_not_allowed',
  'auth_footer_text_not_allowed',
  'auth_code_expiration_range',
  'auth_otp_button_required',
  'auth_button_not_allowed',
  'auth_otp_type_missing',
  'auth_supported_apps_missing',
  'variables_mixed',
  'variable_format_mismatch',
] as const;
