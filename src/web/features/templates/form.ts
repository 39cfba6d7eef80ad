import type {
  TemplateButton,
  TemplateCategory,
  TemplateComponent,
  TemplateDraft,
} from '../../../contracts/template.schemas.ts';
import { variableNames } from '../../../contracts/template-lint.rules.ts';

/*
 * The template form's state and its conversion to and from Meta's component shape (pure). The form keeps one
 * sample per variable by name; `toDraft` writes them where Meta wants them (positional: `body_text: [[…]]`,
 * named: `body_text_named_params`).
 */

export type HeaderKind = 'NONE' | 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';
export type ButtonKind = 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE';

export interface ButtonForm {
  type: ButtonKind;
  text: string;
  url: string;
  phone: string;
  example: string;
}

export interface TemplateForm {
  name: string;
  language: string;
  category: TemplateCategory;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  headerKind: HeaderKind;
  headerText: string;
  headerHandle: string;
  body: string;
  footer: string;
  /** Samples by variable name (`1`, `first_name`), header and body share them. */
  samples: Record<string, string>;
  buttons: ButtonForm[];
  addSecurity: boolean;
  codeExpiration: string;
  otpType: 'COPY_CODE' | 'ONE_TAP' | 'ZERO_TAP';
}

export const emptyForm = (): TemplateForm => ({
  name: '',
  language: 'ja',
  category: 'MARKETING',
  parameterFormat: 'POSITIONAL',
  headerKind: 'NONE',
  headerText: '',
  headerHandle: '',
  body: '',
  footer: '',
  samples: {},
  buttons: [],
  addSecurity: true,
  codeExpiration: '',
  otpType: 'COPY_CODE',
});

export const emptyButton = (type: ButtonKind = 'QUICK_REPLY'): ButtonForm => ({
  type,
  text: '',
  url: '',
  phone: '',
  example: '',
});

/** The variables of header then body, each once, in order. */
export function formVariables(f: TemplateForm): { header: string[]; body: string[] } {
  return {
    header: f.headerKind === 'TEXT' ? variableNames(f.headerText) : [],
    body: variableNames(f.body),
  };
}

function samplesFor(
  names: string[],
  f: TemplateForm,
  where: 'header' | 'body',
): Record<string, unknown> | undefined {
  if (names.length === 0) return undefined;
  const get = (n: string) => f.samples[`${where}:${n}`] ?? '';
  if (f.parameterFormat === 'NAMED') {
    const key = where === 'header' ? 'header_text_named_params' : 'body_text_named_params';
    return { [key]: names.map((n) => ({ param_name: n, example: get(n) })) };
  }
  return where === 'header' ? { header_text: names.map(get) } : { body_text: [names.map(get)] };
}

function buttonOf(b: ButtonForm): TemplateButton {
  switch (b.type) {
    case 'QUICK_REPLY':
      return { type: 'QUICK_REPLY', text: b.text };
    case 'URL':
      return {
        type: 'URL',
        text: b.text,
        url: b.url,
        ...(b.url.includes('{{') ? { example: [b.example] } : {}),
      };
    case 'PHONE_NUMBER':
      return { type: 'PHONE_NUMBER', text: b.text, phone_number: b.phone };
    case 'COPY_CODE':
      return { type: 'COPY_CODE', example: b.example };
  }
}

/** The draft the linter checks and the API receives. */
export function toDraft(f: TemplateForm): TemplateDraft {
  const components: TemplateComponent[] = [];
  const vars = formVariables(f);
  if (f.category === 'AUTHENTICATION') {
    components.push({ type: 'BODY', add_security_recommendation: f.addSecurity });
    const minutes = Number(f.codeExpiration);
    if (f.codeExpiration.trim() !== '' && Number.isFinite(minutes))
      components.push({ type: 'FOOTER', code_expiration_minutes: Math.trunc(minutes) });
    components.push({ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: f.otpType }] });
  } else {
    if (f.headerKind === 'TEXT') {
      const example = samplesFor(vars.header, f, 'header');
      components.push({
        type: 'HEADER',
        format: 'TEXT',
        text: f.headerText,
        ...(example ? { example } : {}),
      });
    } else if (f.headerKind !== 'NONE') {
      components.push({
        type: 'HEADER',
        format: f.headerKind,
        ...(f.headerKind !== 'LOCATION' && f.headerHandle
          ? { example: { header_handle: [f.headerHandle] } }
          : {}),
      });
    }
    const example = samplesFor(vars.body, f, 'body');
    components.push({ type: 'BODY', text: f.body, ...(example ? { example } : {}) });
    if (f.footer !== '') components.push({ type: 'FOOTER', text: f.footer });
    if (f.buttons.length > 0) components.push({ type: 'BUTTONS', buttons: f.buttons.map(buttonOf) });
  }
  return {
    name: f.name,
    language: f.language,
    category: f.category,
    ...(f.category === 'AUTHENTICATION' ? {} : { parameterFormat: f.parameterFormat }),
    components,
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const rec = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The form of an existing template (for editing). */
export function fromTemplate(t: {
  name: string;
  language: string;
  category: string;
  parameterFormat: string | null;
  components: Array<Record<string, unknown>>;
}): TemplateForm {
  const f = emptyForm();
  f.name = t.name;
  f.language = t.language;
  f.category = (
    ['MARKETING', 'UTILITY', 'AUTHENTICATION'].includes(t.category) ? t.category : 'UTILITY'
  ) as TemplateCategory;
  f.parameterFormat = t.parameterFormat === 'NAMED' ? 'NAMED' : 'POSITIONAL';
  for (const c of t.components) {
    const type = str(c.type).toUpperCase();
    const example = rec(c.example);
    if (type === 'HEADER') {
      f.headerKind = (str(c.format).toUpperCase() || 'TEXT') as HeaderKind;
      f.headerText = str(c.text);
      const handles = example.header_handle;
      f.headerHandle = Array.isArray(handles) ? str(handles[0]) : '';
      variableNames(f.headerText).forEach((n, i) => {
        const pos = example.header_text;
        f.samples[`header:${n}`] = Array.isArray(pos) ? str(pos[i]) : '';
      });
    } else if (type === 'BODY') {
      f.body = str(c.text);
      f.addSecurity = c.add_security_recommendation === true;
      const rows = example.body_text;
      const first: unknown[] = Array.isArray(rows) && Array.isArray(rows[0]) ? (rows[0] as unknown[]) : [];
      const named = Array.isArray(example.body_text_named_params) ? example.body_text_named_params : [];
      variableNames(f.body).forEach((n, i) => {
        const hit = named.map(rec).find((x) => x.param_name === n);
        f.samples[`body:${n}`] = hit ? str(hit.example) : str(first[i]);
      });
    } else if (type === 'FOOTER') {
      f.footer = str(c.text);
      if (typeof c.code_expiration_minutes === 'number') f.codeExpiration = String(c.code_expiration_minutes);
    } else if (type === 'BUTTONS') {
      const list = Array.isArray(c.buttons) ? c.buttons.map(rec) : [];
      for (const b of list) {
        const bt = str(b.type).toUpperCase();
        if (bt === 'OTP') {
          f.otpType = (str(b.otp_type) || 'COPY_CODE') as TemplateForm['otpType'];
          continue;
        }
        if (!['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE'].includes(bt)) continue;
        const ex = Array.isArray(b.example) ? str(b.example[0]) : str(b.example);
        f.buttons.push({
          type: bt as ButtonKind,
          text: str(b.text),
          url: str(b.url),
          phone: str(b.phone_number),
          example: ex,
        });
      }
    }
  }
  return f;
}
