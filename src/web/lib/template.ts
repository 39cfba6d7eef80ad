import { arr, obj, str, type Obj } from './json.ts';

/**
 * Template variables and previews (pure): which values a Cloud API template needs (header text or media,
 * body `{{1}}` / `{{name}}`, URL button suffixes), the send body built from them, and the text the customer
 * will read.
 */

/** One value the agent fills in. `key` is unique within the template. */
export interface TemplateVariable {
  key: string;
  component: 'header' | 'body' | 'button';
  /** `1`, `2`… for positional, the name for named parameters. */
  name: string;
  /** Header media (IMAGE/VIDEO/DOCUMENT): the value is an http(s) link. */
  media?: 'image' | 'video' | 'document';
  buttonIndex?: number;
  example?: string;
}

const VAR_RE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

function namesIn(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const m of text.matchAll(VAR_RE)) if (!out.includes(m[1] as string)) out.push(m[1] as string);
  return out;
}

function componentOf(components: Obj[], type: string): Obj | undefined {
  return components.find((c) => str(c.type)?.toUpperCase() === type);
}

/** The variables of a template, in the order the form shows them. */
export function templateVariables(components: Obj[]): TemplateVariable[] {
  const vars: TemplateVariable[] = [];
  const header = componentOf(components, 'HEADER');
  const format = str(header?.format)?.toUpperCase();
  if (header && (format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT')) {
    vars.push({
      key: 'header:media',
      component: 'header',
      name: format.toLowerCase(),
      media: format.toLowerCase() as 'image',
    });
  } else if (header) {
    const examples = obj(header.example).header_text;
    const ex = Array.isArray(examples) ? str(examples[0]) : undefined;
    for (const n of namesIn(str(header.text)))
      vars.push({ key: `header:${n}`, component: 'header', name: n, ...(ex ? { example: ex } : {}) });
  }
  const body = componentOf(components, 'BODY');
  const examples = obj(body?.example).body_text;
  const firstExample: unknown[] = Array.isArray(examples) && Array.isArray(examples[0]) ? examples[0] : [];
  namesIn(str(body?.text)).forEach((n, i) => {
    const ex = str(firstExample[i]);
    vars.push({ key: `body:${n}`, component: 'body', name: n, ...(ex ? { example: ex } : {}) });
  });
  const buttons = arr(componentOf(components, 'BUTTONS')?.buttons);
  buttons.forEach((b, i) => {
    if (str(b.type)?.toUpperCase() === 'URL')
      for (const n of namesIn(str(b.url)))
        vars.push({ key: `button:${i}:${n}`, component: 'button', name: n, buttonIndex: i });
  });
  return vars;
}

const positional = (name: string) => /^\d+$/.test(name);

/** Replaces `{{x}}` with values (missing ones stay visible as `{{x}}`). */
export function fillText(text: string, values: (name: string) => string | undefined): string {
  return text.replace(VAR_RE, (whole, name: string) => {
    const v = values(name);
    return v === undefined || v === '' ? whole : v;
  });
}

/** The `template` object of a Cloud API send. */
export function buildTemplateSend(
  tpl: { name: string; language: string; components: Obj[] },
  values: Record<string, string>,
): Obj {
  const vars = templateVariables(tpl.components);
  const param = (v: TemplateVariable): Obj => {
    const value = values[v.key] ?? '';
    if (v.media) return { type: v.media, [v.media]: { link: value } };
    return positional(v.name)
      ? { type: 'text', text: value }
      : { type: 'text', parameter_name: v.name, text: value };
  };
  const components: Obj[] = [];
  const header = vars.filter((v) => v.component === 'header');
  if (header.length) components.push({ type: 'header', parameters: header.map(param) });
  const body = vars.filter((v) => v.component === 'body');
  if (body.length) components.push({ type: 'body', parameters: body.map(param) });
  const byButton = new Map<number, TemplateVariable[]>();
  for (const v of vars.filter((x) => x.component === 'button'))
    byButton.set(v.buttonIndex ?? 0, [...(byButton.get(v.buttonIndex ?? 0) ?? []), v]);
  for (const [index, list] of byButton)
    components.push({ type: 'button', sub_type: 'url', index: String(index), parameters: list.map(param) });
  return { name: tpl.name, language: { code: tpl.language }, ...(components.length ? { components } : {}) };
}

/** What the customer reads: header, body, footer and button labels with the values filled in. */
export interface TemplatePreview {
  header?: string;
  headerMedia?: string;
  body: string;
  footer?: string;
  buttons: string[];
}

/**
 * Fills a template's components with values for the preview: `values(key)` answers `body:<name>` or
 * `header:<name>` (positional `1` or named); a missing value keeps the `{{name}}` placeholder visible so the user
 * sees what is still unset. Media headers are shown by their format only.
 */
export function templatePreview(
  components: Obj[],
  values: (key: string) => string | undefined,
): TemplatePreview {
  const header = componentOf(components, 'HEADER');
  const body = componentOf(components, 'BODY');
  const footer = componentOf(components, 'FOOTER');
  const format = str(header?.format)?.toUpperCase();
  const preview: TemplatePreview = {
    body: fillText(str(body?.text) ?? '', (n) => values(`body:${n}`)),
    buttons: arr(componentOf(components, 'BUTTONS')?.buttons).map((b) => str(b.text) ?? ''),
  };
  if (header && format && format !== 'TEXT') preview.headerMedia = format.toLowerCase();
  else if (header) preview.header = fillText(str(header.text) ?? '', (n) => values(`header:${n}`));
  const f = str(footer?.text);
  if (f) preview.footer = f;
  return preview;
}

/**
 * The values of a sent template (its `components[].parameters`) keyed like {@link templateVariables}, so a
 * sent template can be previewed as the customer saw it.
 */
export function sentTemplateValues(template: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of arr(template.components)) {
    const type = str(c.type)?.toLowerCase();
    const params = arr(c.parameters);
    params.forEach((p, i) => {
      const name = str(p.parameter_name) ?? String(i + 1);
      const text = str(p.text) ?? '';
      if (type === 'header') out[`header:${name}`] = text;
      else if (type === 'body') out[`body:${name}`] = text;
      else if (type === 'button') out[`button:${str(c.index) ?? '0'}:${name}`] = text;
    });
  }
  return out;
}
