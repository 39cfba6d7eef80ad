import type { CampaignTemplate, VariableSource } from '../../../contracts/campaign.schemas.ts';
import type { TemplateDto } from '../../../contracts/template.schemas.ts';
import { arr, str } from '../../lib/json.ts';
import { templateVariables } from '../../lib/template.ts';

/*
 * The builder's inputs for what a template takes per recipient (pure): the body's variables, the header's media or
 * variable, and the buttons' suffixes and payloads — what they hold for a template (keeping what was set when another
 * template is chosen), for a saved campaign, what is missing, and the `template` fields of the API body.
 */

/** The contact fields a variable may read (as `VariableSourceSchema` names them). */
export const CONTACT_FIELDS = ['name', 'profile_name', 'phone', 'country'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** One value of the template filled per recipient (a body or header variable, a button's) and its source. */
export interface VariableForm {
  /** The placeholder: `1`, `2`… (positional) or its name (named parameters). */
  placeholder: string;
  named: boolean;
  /**
   * `link`: the recipient's tracked short link to `url` (clicks are counted per recipient; on a URL button, a
   * tracked button). `csv`: a column (`column`) of the recipient's row in the audience's CSV import. `none`: a
   * quick-reply button sent without a payload.
   */
  kind: 'field' | 'attribute' | 'literal' | 'link' | 'csv' | 'none';
  field: ContactField;
  column: string;
  url: string;
  attribute: string;
  literal: string;
  fallback: string;
  example: string | null;
}

/** The media of an IMAGE, VIDEO or DOCUMENT header: an uploaded file (`mediaId`, its name) or a link. */
export interface HeaderMediaForm {
  type: 'image' | 'video' | 'document';
  mode: 'upload' | 'link';
  /** The id `POST /media` answered, '' until a file is uploaded. */
  mediaId: string;
  filename: string;
  link: string;
}

/** A button of the template that takes a value per recipient. */
export interface ButtonForm extends VariableForm {
  index: number;
  /** `url`: a URL button ending in `{{1}}` (its suffix); `quick_reply`: the payload returned with a tap. */
  button: 'url' | 'quick_reply';
  /** The button's label in the template. */
  label: string;
}

/** The template values of the builder's form. */
export interface TemplateValuesForm {
  variables: VariableForm[];
  /** The template's header media (null: its header is not an image, video or document). */
  headerMedia: HeaderMediaForm | null;
  /** The variable of the template's TEXT header (null: it has none). */
  headerVariable: VariableForm | null;
  /** The template's URL buttons ending in `{{1}}` and its quick-reply buttons. */
  buttons: ButtonForm[];
}

/** The body variables of a template, keeping what `previous` said for the same placeholders. */
export function variablesFor(
  template: Pick<TemplateDto, 'components'> | undefined,
  previous: VariableForm[],
): VariableForm[] {
  if (!template) return [];
  const vars = templateVariables(template.components).filter((v) => v.component === 'body');
  return vars.map(
    (v) => previous.find((p) => p.placeholder === v.name) ?? newVariable(v.name, v.example ?? null),
  );
}

/** A value not set yet: the contact's name, no fallback. */
function newVariable(placeholder: string, example: string | null): VariableForm {
  return {
    placeholder,
    named: !/^\d+$/.test(placeholder),
    kind: 'field',
    field: 'name',
    column: '',
    attribute: '',
    literal: '',
    url: '',
    fallback: '',
    example,
  };
}

/** The form of a saved value (`placeholder` as the template names it). */
function variableForm(
  placeholder: string,
  named: boolean,
  v: { source: VariableSource; fallback: string },
): VariableForm {
  return {
    placeholder,
    named,
    kind: v.source.kind,
    field: v.source.kind === 'field' ? v.source.field : 'name',
    column: v.source.kind === 'csv' ? v.source.column : '',
    attribute: v.source.kind === 'attribute' ? v.source.key : '',
    literal: v.source.kind === 'literal' ? v.source.value : '',
    url: v.source.kind === 'link' ? v.source.url : '',
    fallback: v.fallback,
    example: null,
  };
}

/**
 * The header inputs of a template, keeping what `previous` held for the same kind of header: media of its format
 * (IMAGE, VIDEO, DOCUMENT), or the variable of a TEXT header.
 */
export function headerFor(
  template: Pick<TemplateDto, 'components'> | undefined,
  previous: Pick<TemplateValuesForm, 'headerMedia' | 'headerVariable'>,
): Pick<TemplateValuesForm, 'headerMedia' | 'headerVariable'> {
  const v = template
    ? templateVariables(template.components).find((x) => x.component === 'header')
    : undefined;
  if (v?.media)
    return {
      headerMedia:
        previous.headerMedia?.type === v.media
          ? previous.headerMedia
          : { type: v.media, mode: 'upload', mediaId: '', filename: '', link: '' },
      headerVariable: null,
    };
  if (v) {
    const kept = previous.headerVariable?.placeholder === v.name ? previous.headerVariable : null;
    return { headerMedia: null, headerVariable: kept ?? newVariable(v.name, v.example ?? null) };
  }
  return { headerMedia: null, headerVariable: null };
}

/**
 * The buttons of a template that take a value per recipient — URL buttons ending in `{{1}}` and quick replies
 * (sent without a payload until one is chosen) — keeping what `previous` held for the same button.
 */
export function buttonsFor(
  template: Pick<TemplateDto, 'components'> | undefined,
  previous: ButtonForm[],
): ButtonForm[] {
  const group = template?.components.find((c) => String(c.type).toUpperCase() === 'BUTTONS');
  return arr(group?.buttons).flatMap((b, index): ButtonForm[] => {
    const type = str(b.type)?.toUpperCase();
    const button =
      type === 'QUICK_REPLY'
        ? 'quick_reply'
        : type === 'URL' && /\{\{\s*1\s*\}\}/.test(str(b.url) ?? '')
          ? 'url'
          : null;
    if (!button) return [];
    const kept = previous.find((p) => p.index === index && p.button === button);
    const label = str(b.text) ?? '';
    if (kept) return [{ ...kept, label }];
    const fresh = newVariable('1', null);
    return [{ ...fresh, index, button, label, kind: button === 'quick_reply' ? 'none' : fresh.kind }];
  });
}

/** The header inputs of a saved campaign's template. */
function savedHeader(
  h: CampaignTemplate['header'],
): Pick<TemplateValuesForm, 'headerMedia' | 'headerVariable'> {
  if (!h) return { headerMedia: null, headerVariable: null };
  if (h.type === 'text')
    return {
      headerMedia: null,
      headerVariable: variableForm(h.variable.name ?? '1', h.variable.name !== undefined, h.variable),
    };
  return {
    headerVariable: null,
    headerMedia: {
      type: h.type,
      mode: h.link ? 'link' : 'upload',
      mediaId: h.mediaId ?? '',
      filename: h.filename ?? '',
      link: h.link ?? '',
    },
  };
}

/** The button inputs of a saved campaign's template (labels come from the template). */
function savedButtons(buttons: CampaignTemplate['buttons']): ButtonForm[] {
  return buttons.map((b) => {
    const base = { index: b.index, label: '' };
    if ('url' in b)
      return {
        ...base,
        button: 'url',
        ...variableForm('1', false, { source: { kind: 'link', url: b.url }, fallback: b.url }),
      };
    if ('suffix' in b) return { ...base, button: 'url', ...variableForm('1', false, b.suffix) };
    return { ...base, button: 'quick_reply', ...variableForm('1', false, b.payload) };
  });
}

/**
 * The values of a saved campaign's template; with the approved template's components (when known) the inputs follow
 * the template, keeping what was saved for the same placeholders, header and buttons.
 */
export function valuesOf(
  t: CampaignTemplate,
  template: Pick<TemplateDto, 'components'> | undefined,
): TemplateValuesForm {
  const variables = t.variables.map((v, i) => variableForm(v.name ?? String(i + 1), v.name !== undefined, v));
  const header = savedHeader(t.header);
  const buttons = savedButtons(t.buttons);
  if (!template) return { variables, ...header, buttons };
  return {
    variables: variablesFor(template, variables),
    ...headerFor(template, header),
    buttons: buttonsFor(template, buttons),
  };
}

/** The problem of one value's inputs (its locale key), or null. */
function variableProblem(v: VariableForm, csvAudience: boolean, fallback: boolean): string | null {
  if (v.kind === 'none') return null;
  if (v.kind === 'attribute' && !v.attribute) return 'pickAttribute';
  if (v.kind === 'literal' && !v.literal.trim()) return 'required';
  if (v.kind === 'csv' && !v.column.trim()) return 'required';
  if (v.kind === 'csv' && !csvAudience) return 'csvNeedsCsvAudience';
  if (v.kind === 'link' && !/^https?:\/\/\S+$/i.test(v.url.trim())) return 'url';
  if (fallback && !v.fallback.trim()) return 'fallbackRequired';
  return null;
}

/**
 * Every value of the form with its form key: `variable:<placeholder>` (body), `variable:header`,
 * `variable:button:<index>`.
 */
export function valueEntries(f: TemplateValuesForm): Array<[`variable:${string}`, VariableForm]> {
  return [
    ...f.variables.map((v): [`variable:${string}`, VariableForm] => [`variable:${v.placeholder}`, v]),
    ...(f.headerVariable ? [['variable:header', f.headerVariable] as ['variable:header', VariableForm]] : []),
    ...f.buttons.map((b): [`variable:${string}`, VariableForm] => [`variable:button:${b.index}`, b]),
  ];
}

/**
 * What is missing in the values, by form key (see {@link valueEntries}, and `headerMedia`) with the problem's
 * locale key; `csvAudience`: whether CSV columns may be read.
 */
export function valuesProblems(f: TemplateValuesForm, csvAudience: boolean): Record<string, string> {
  const p: Record<string, string> = {};
  for (const [key, v] of valueEntries(f)) {
    // A tracked button's suffix is the recipient's code: it needs no fallback.
    const problem = variableProblem(v, csvAudience, !('button' in v && v.kind === 'link'));
    if (problem) p[key] = problem;
  }
  const m = f.headerMedia;
  if (m?.mode === 'upload' && !m.mediaId) p.headerMedia = 'pickMedia';
  if (m?.mode === 'link' && !/^https:\/\/\S+$/i.test(m.link.trim())) p.headerMedia = 'httpsUrl';
  return p;
}

/** The `template` fields of the API body the values make: variables, header, buttons. */
export function valuesInput(
  f: TemplateValuesForm,
): Pick<CampaignTemplate, 'variables' | 'header' | 'buttons'> {
  return {
    variables: f.variables.map((v) => ({
      ...(v.named ? { name: v.placeholder } : {}),
      source: sourceOf(v),
      fallback: v.fallback.trim(),
    })),
    ...headerInput(f),
    buttons: f.buttons.flatMap((b) => buttonInput(b)),
  };
}

/** The source of a value's inputs (`none` is never asked: a quick reply without payload is left out). */
function sourceOf(v: VariableForm): VariableSource {
  if (v.kind === 'field') return { kind: 'field', field: v.field };
  if (v.kind === 'attribute') return { kind: 'attribute', key: v.attribute };
  if (v.kind === 'link') return { kind: 'link', url: v.url.trim() };
  if (v.kind === 'csv') return { kind: 'csv', column: v.column.trim() };
  return { kind: 'literal', value: v.literal.trim() };
}

/** A value that is never a tracked link (header text, URL suffix, payload). */
function plainValue(v: VariableForm) {
  const source = sourceOf(v);
  return {
    source: source.kind === 'link' ? { kind: 'literal' as const, value: source.url } : source,
    fallback: v.fallback.trim(),
  };
}

/** The `template.header` of the form: the media (uploaded file or link), or the text header's variable. */
function headerInput(f: TemplateValuesForm): Pick<CampaignTemplate, 'header'> {
  const m = f.headerMedia;
  if (m)
    return {
      header:
        m.mode === 'link'
          ? { type: m.type, link: m.link.trim() }
          : { type: m.type, mediaId: m.mediaId, ...(m.filename ? { filename: m.filename } : {}) },
    };
  const v = f.headerVariable;
  if (v)
    return {
      header: { type: 'text', variable: { ...(v.named ? { name: v.placeholder } : {}), ...plainValue(v) } },
    };
  return {};
}

/** A button's entry in `template.buttons`: tracked, a URL suffix or a payload (none for a bare quick reply). */
function buttonInput(b: ButtonForm): CampaignTemplate['buttons'] {
  if (b.kind === 'none') return [];
  if (b.button === 'quick_reply') return [{ index: b.index, payload: plainValue(b) }];
  if (b.kind === 'link') return [{ index: b.index, url: b.url.trim() }];
  return [{ index: b.index, suffix: plainValue(b) }];
}
