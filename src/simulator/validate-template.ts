import { TemplateObjectSchema } from '../contracts/whatsapp/send-template.schemas.ts';
import { GraphError, parseOrGraphError } from './errors.ts';
import type { TemplateSend, TemplateSendComponent, TemplateSendParameter } from './send.schemas.ts';
import { placeholders } from './templates.schemas.ts';
import type { TemplateComponentDef, TemplateDef } from './templates.schemas.ts';

/**
 * Checks a template send against the stored definition the way the Cloud API does synchronously
 * (reference §1.7): unknown or unapproved → 132001 (HTTP 404), paused/disabled → 132015/132016, wrong number of
 * parameters → 132000, wrong parameter kind → 132012, empty text → 100, hydrated text too long → 132005; then
 * the contracts' field formats and limits (`TemplateObjectSchema`) → 100 / 131009.
 */
export function checkTemplateSend(send: TemplateSend, def: TemplateDef | undefined): TemplateDef {
  const lang = send.language.code;
  if (!def || def.status === 'PENDING' || def.status === 'REJECTED') {
    throw new GraphError(132001, `template name (${send.name}) does not exist in ${lang}`);
  }
  if (def.status === 'PAUSED') throw new GraphError(132015, `template ${send.name} (${lang}) is paused`);
  if (def.status === 'DISABLED') throw new GraphError(132016, `template ${send.name} (${lang}) is disabled`);

  const byType = groupComponents(send.components ?? []);
  checkHeader(def, byType.header?.parameters ?? []);
  checkBody(def, byType.body?.parameters ?? []);
  checkButtons(def, byType.buttons);
  parseOrGraphError(TemplateObjectSchema, send, ['template']);
  return def;
}

interface Grouped {
  header?: TemplateSendComponent;
  body?: TemplateSendComponent;
  buttons: TemplateSendComponent[];
}

function groupComponents(components: TemplateSendComponent[]): Grouped {
  const out: Grouped = { buttons: [] };
  components.forEach((c, i) => {
    const type = c.type.toLowerCase();
    if (type === 'button') out.buttons.push(c);
    else if (type === 'header' || type === 'body') {
      if (out[type]) throw new GraphError(100, `template.components[${i}]: duplicate ${type} component`);
      out[type] = c;
    } else
      throw new GraphError(
        100,
        `template.components[${i}].type ${c.type} is not one of header, body, button`,
      );
  });
  return out;
}

function countMismatch(where: string, actual: number, expected: number): GraphError {
  return new GraphError(
    132000,
    `${where}: number of localizable_params (${actual}) does not match the expected number of params (${expected})`,
  );
}

/** The text a parameter contributes to the rendered message; throws for malformed text/currency/date_time. */
function paramText(where: string, p: TemplateSendParameter): string {
  if (p.type === 'text') {
    if (p.text === undefined || p.text === '') {
      throw new GraphError(
        100,
        `${where}: Parameter 'text' is mandatory for component parameter type 'text'`,
      );
    }
    if (typeof p.text !== 'string') throw new GraphError(132012, `${where}: parameter text must be a string`);
    return p.text;
  }
  const obj = p[p.type];
  const fallback =
    obj !== null && typeof obj === 'object' && 'fallback_value' in obj ? obj.fallback_value : undefined;
  if (typeof fallback !== 'string') {
    throw new GraphError(132012, `${where}: ${p.type} parameter needs ${p.type}.fallback_value`);
  }
  return fallback;
}

function headerDef(def: TemplateDef): Extract<TemplateComponentDef, { type: 'HEADER' }> | undefined {
  return def.components.find(
    (c): c is Extract<TemplateComponentDef, { type: 'HEADER' }> => c.type === 'HEADER',
  );
}

function checkHeader(def: TemplateDef, params: TemplateSendParameter[]): void {
  const header = headerDef(def);
  const format = header?.format;
  const expected = !header ? 0 : format === 'TEXT' ? placeholders(header.text).length : 1;
  if (params.length !== expected) throw countMismatch('header', params.length, expected);
  const p = params[0];
  if (!p || !format) return;
  const allowed = format === 'TEXT' ? ['text'] : format === 'GIF' ? ['gif', 'video'] : [format.toLowerCase()];
  if (!allowed.includes(p.type)) {
    throw new GraphError(
      132012,
      `header: parameter type ${p.type} does not match the template header format ${format}`,
    );
  }
  if (format === 'TEXT') {
    const name = placeholders(header?.text)[0];
    if (def.parameter_format === 'NAMED' && p.parameter_name !== name) {
      throw new GraphError(
        132000,
        `header: parameter_name '${String(p.parameter_name)}' does not match the variable of the template header`,
      );
    }
    const text = paramText('header', p);
    if (text.length > 60)
      throw new GraphError(132005, `header: text parameter is too long (${text.length} > 60)`);
  } else if (p[p.type] === null || typeof p[p.type] !== 'object') {
    throw new GraphError(132012, `header: ${p.type} parameter needs a ${p.type} object`);
  }
}

function bodyText(def: TemplateDef): string {
  const body = def.components.find((c) => c.type === 'BODY');
  const text = body && 'text' in body ? body.text : undefined;
  return text ?? (def.category === 'AUTHENTICATION' ? '*{{1}}* is your verification code.' : '');
}

function checkBody(def: TemplateDef, params: TemplateSendParameter[]): void {
  const template = bodyText(def);
  const names = placeholders(template);
  if (params.length !== names.length) throw countMismatch('body', params.length, names.length);
  const values = new Map<string, string>();
  params.forEach((p, i) => {
    if (!['text', 'currency', 'date_time'].includes(p.type)) {
      throw new GraphError(
        132012,
        `body: parameter ${i + 1} has type ${p.type}; expected text, currency or date_time`,
      );
    }
    const text = paramText(`body parameter ${i + 1}`, p);
    if (def.parameter_format === 'NAMED') {
      const name = p.parameter_name;
      if (typeof name !== 'string' || !names.includes(name)) {
        throw new GraphError(
          132000,
          `body: parameter_name '${String(name)}' does not match a variable of the template`,
        );
      }
      values.set(name, text);
    } else values.set(names[i] as string, text);
  });
  const hydrated = template.replace(/\{\{\s*([a-zA-Z0-9_]+)\s*\}\}/g, (_m, n: string) => values.get(n) ?? '');
  if (hydrated.length > 1024)
    throw new GraphError(132005, `body: hydrated text is too long (${hydrated.length} > 1024)`);
}

const SUB_TYPES: Record<string, { subTypes: string[]; param: string }> = {
  QUICK_REPLY: { subTypes: ['quick_reply'], param: 'payload' },
  URL: { subTypes: ['url'], param: 'text' },
  OTP: { subTypes: ['url', 'copy_code'], param: 'text' },
  COPY_CODE: { subTypes: ['copy_code'], param: 'coupon_code' },
  FLOW: { subTypes: ['flow'], param: 'action' },
  CATALOG: { subTypes: ['catalog'], param: 'action' },
  MPM: { subTypes: ['mpm'], param: 'action' },
  SPM: { subTypes: ['spm'], param: 'action' },
};

function checkButtons(def: TemplateDef, sent: TemplateSendComponent[]): void {
  const buttons = def.components.flatMap((c) => (c.type === 'BUTTONS' ? c.buttons : []));
  const seen = new Set<number>();
  for (const c of sent) {
    if (c.index === undefined) throw new GraphError(100, 'button: the parameter index is required');
    const index = Number(c.index);
    const where = `button at index ${index}`;
    const b = buttons[index];
    if (!b) throw new GraphError(132000, `${where}: the template has no button at this index`);
    if (seen.has(index)) throw new GraphError(100, `${where}: duplicate button component`);
    seen.add(index);
    const rule = SUB_TYPES[b.type];
    const subType = (c.sub_type ?? '').toLowerCase();
    if (!rule || !rule.subTypes.includes(subType)) {
      throw new GraphError(
        132012,
        `${where}: sub_type ${c.sub_type ?? '(missing)'} does not match the ${b.type} button`,
      );
    }
    const params = c.parameters ?? [];
    const dynamicUrl = b.type === 'URL' && placeholders(b.url).length > 0;
    const expected = b.type === 'URL' && !dynamicUrl ? 0 : 1;
    if (params.length !== expected && !(b.type === 'QUICK_REPLY' && params.length === 0)) {
      throw countMismatch(where, params.length, expected);
    }
    for (const p of params) {
      if (p.type !== rule.param)
        throw new GraphError(132012, `${where}: parameter type ${p.type}; expected ${rule.param}`);
      const value = p[rule.param];
      if (
        rule.param === 'action'
          ? value === null || typeof value !== 'object'
          : typeof value !== 'string' || value === ''
      ) {
        throw new GraphError(132012, `${where}: parameter ${rule.param} is missing or malformed`);
      }
    }
  }
  buttons.forEach((b, index) => {
    if (b.type === 'URL' && placeholders(b.url).length > 0 && !seen.has(index)) {
      throw countMismatch(`button at index ${index}`, 0, 1);
    }
  });
}
