import type {
  CampaignDto,
  CampaignInput,
  CampaignTemplate,
  VariableSource,
} from '../../../contracts/campaign.schemas.ts';
import type { TemplateDto } from '../../../contracts/template.schemas.ts';
import { arr, str } from '../../lib/json.ts';
import { templateVariables } from '../../lib/template.ts';

/*
 * The campaign builder's form (pure): what the inputs hold, how a saved campaign fills them, and the API body they
 * make. The server validates again; these checks only say what is missing before a round trip.
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

/** What the builder's inputs hold. */
export interface CampaignForm {
  name: string;
  phoneNumberIds: string[];
  /** `name|language` of the chosen approved template, or ''. */
  template: string;
  variables: VariableForm[];
  audienceKind: 'segment' | 'condition' | 'contacts' | 'csv';
  segmentId: string;
  /** The CSV import (`purpose=audience`) whose valid rows are the audience. */
  importId: string;
  condition: string;
  /** Kept from a campaign made through the API with a contact list (the builder does not edit it). */
  contactIds: string[];
  excludedSegmentIds: string[];
  frequencyCapOn: boolean;
  frequencyCapCount: string;
  frequencyCapDays: string;
  requireOptIn: 'default' | 'yes' | 'no';
  scheduleKind: 'now' | 'at' | 'local';
  /** `YYYY-MM-DDTHH:MM` in the browser's time zone. */
  at: string;
  date: string;
  time: string;
  quietStart: string;
  quietEnd: string;
  hourlyCap: string;
  rampOn: boolean;
  rampStart: string;
  rampGrowth: string;
  rampDays: string;
  /** Kept as saved (the builder does not edit A/B tests yet). */
  variantB: CampaignDto['variantB'];
  /** The template's header media (null: its header is not an image, video or document). */
  headerMedia: HeaderMediaForm | null;
  /** The variable of the template's TEXT header (null: it has none). */
  headerVariable: VariableForm | null;
  /** The template's URL buttons ending in `{{1}}` and its quick-reply buttons. */
  buttons: ButtonForm[];
}

/** The value of a template's option in the builder's select. */
export function templateKey(t: { name: string; language: string }): string {
  return `${t.name}|${t.language}`;
}

/** `name|language` back into its parts. */
export function splitTemplateKey(key: string): { name: string; language: string } | null {
  const i = key.lastIndexOf('|');
  return i > 0 ? { name: key.slice(0, i), language: key.slice(i + 1) } : null;
}

/** A date `days` after today in `timeZone`, as `YYYY-MM-DD`. */
export function localDate(now: Date, timeZone: string, days = 0): string {
  const d = new Date(now.getTime() + days * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
}

/** An instant as the value of a `datetime-local` input in the browser's zone. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A new campaign's form: the first number, sending now, WhatsApp's decent hours (08:00–22:00). */
export function emptyForm(opts: { phoneNumberId?: string; tomorrow: string }): CampaignForm {
  return {
    name: '',
    phoneNumberIds: opts.phoneNumberId ? [opts.phoneNumberId] : [],
    template: '',
    variables: [],
    audienceKind: 'segment',
    segmentId: '',
    importId: '',
    condition: '',
    contactIds: [],
    excludedSegmentIds: [],
    frequencyCapOn: false,
    frequencyCapCount: '1',
    frequencyCapDays: '7',
    requireOptIn: 'default',
    scheduleKind: 'now',
    at: '',
    date: opts.tomorrow,
    time: '09:00',
    quietStart: '08:00',
    quietEnd: '22:00',
    hourlyCap: '',
    rampOn: false,
    rampStart: '250',
    rampGrowth: '2',
    rampDays: '7',
    variantB: null,
    headerMedia: null,
    headerVariable: null,
    buttons: [],
  };
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
  previous: Pick<CampaignForm, 'headerMedia' | 'headerVariable'>,
): Pick<CampaignForm, 'headerMedia' | 'headerVariable'> {
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
function savedHeader(h: CampaignTemplate['header']): Pick<CampaignForm, 'headerMedia' | 'headerVariable'> {
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

/** The form of a saved campaign; `template` is its approved template's components when known. */
export function formOf(
  c: CampaignDto,
  template: Pick<TemplateDto, 'components'> | undefined,
  tomorrow: string,
): CampaignForm {
  const saved = c.template.variables.map((v, i) =>
    variableForm(v.name ?? String(i + 1), v.name !== undefined, v),
  );
  const header = savedHeader(c.template.header);
  const buttons = savedButtons(c.template.buttons);
  const a = c.audience;
  const e = c.exclusions;
  const s = c.schedule;
  return {
    ...emptyForm({ tomorrow }),
    name: c.name,
    phoneNumberIds: c.phoneNumberIds,
    template: templateKey(c.template),
    variables: template ? variablesFor(template, saved) : saved,
    audienceKind:
      'segmentId' in a ? 'segment' : 'condition' in a ? 'condition' : 'importId' in a ? 'csv' : 'contacts',
    segmentId: 'segmentId' in a ? a.segmentId : '',
    importId: 'importId' in a ? a.importId : '',
    condition: 'condition' in a && typeof a.condition === 'string' ? a.condition : '',
    contactIds: 'contactIds' in a ? a.contactIds : [],
    excludedSegmentIds: e.segmentIds,
    frequencyCapOn: e.frequencyCap !== null,
    frequencyCapCount: String(e.frequencyCap?.count ?? 1),
    frequencyCapDays: String(e.frequencyCap?.days ?? 7),
    requireOptIn: e.requireOptIn === null ? 'default' : e.requireOptIn ? 'yes' : 'no',
    scheduleKind: s.kind,
    at: s.kind === 'at' ? toLocalInput(s.at) : '',
    date: s.kind === 'local' ? s.date : tomorrow,
    time: s.kind === 'local' ? s.time : '09:00',
    quietStart: c.quietHours.start,
    quietEnd: c.quietHours.end,
    hourlyCap: c.limits.hourlyCap === null ? '' : String(c.limits.hourlyCap),
    rampOn: c.limits.ramp !== null,
    rampStart: String(c.limits.ramp?.startPerDay ?? 250),
    rampGrowth: String(c.limits.ramp?.growth ?? 2),
    rampDays: String(c.limits.ramp?.days ?? 7),
    variantB: c.variantB,
    ...(template ? headerFor(template, header) : header),
    buttons: template ? buttonsFor(template, buttons) : buttons,
  };
}

/** Fields the builder refuses to save, by the form key they belong to, with the problem's locale key. */
export type FormProblems = Partial<Record<keyof CampaignForm | `variable:${string}`, string>>;

/** The problem of one value's inputs (its locale key), or null. */
function variableProblem(v: VariableForm, f: CampaignForm, fallback: boolean): string | null {
  if (v.kind === 'none') return null;
  if (v.kind === 'attribute' && !v.attribute) return 'pickAttribute';
  if (v.kind === 'literal' && !v.literal.trim()) return 'required';
  if (v.kind === 'csv' && !v.column.trim()) return 'required';
  if (v.kind === 'csv' && f.audienceKind !== 'csv') return 'csvNeedsCsvAudience';
  if (v.kind === 'link' && !/^https?:\/\/\S+$/i.test(v.url.trim())) return 'url';
  if (fallback && !v.fallback.trim()) return 'fallbackRequired';
  return null;
}

const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : NaN);

/** What is missing or wrong, before asking the server (empty: the form can be saved). */
export function formProblems(f: CampaignForm): FormProblems {
  const p: FormProblems = {};
  if (!f.name.trim()) p.name = 'required';
  if (f.phoneNumberIds.length === 0) p.phoneNumberIds = 'pickNumber';
  if (!splitTemplateKey(f.template)) p.template = 'pickTemplate';
  for (const v of f.variables) {
    const problem = variableProblem(v, f, true);
    if (problem) p[`variable:${v.placeholder}`] = problem;
  }
  const header = f.headerVariable && variableProblem(f.headerVariable, f, true);
  if (header) p['variable:header'] = header;
  for (const b of f.buttons) {
    // A tracked button's suffix is the recipient's code: it needs no fallback.
    const problem = variableProblem(b, f, b.kind !== 'link');
    if (problem) p[`variable:button:${b.index}`] = problem;
  }
  const m = f.headerMedia;
  if (m?.mode === 'upload' && !m.mediaId) p.headerMedia = 'pickMedia';
  if (m?.mode === 'link' && !/^https:\/\/\S+$/i.test(m.link.trim())) p.headerMedia = 'httpsUrl';
  if (f.audienceKind === 'segment' && !f.segmentId) p.segmentId = 'pickSegment';
  if (f.audienceKind === 'condition' && !f.condition.trim()) p.condition = 'required';
  if (f.audienceKind === 'csv' && !f.importId) p.importId = 'uploadCsv';
  if (f.frequencyCapOn) {
    const count = int(f.frequencyCapCount);
    const days = int(f.frequencyCapDays);
    if (!(count >= 1 && count <= 100)) p.frequencyCapCount = 'range';
    if (!(days >= 1 && days <= 90)) p.frequencyCapDays = 'range';
  }
  if (f.scheduleKind === 'at' && Number.isNaN(Date.parse(f.at))) p.at = 'required';
  if (f.scheduleKind === 'local') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(f.date)) p.date = 'required';
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(f.time)) p.time = 'required';
  }
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(f.quietStart)) p.quietStart = 'required';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(f.quietEnd)) p.quietEnd = 'required';
  if (f.hourlyCap.trim() && !(int(f.hourlyCap) >= 1)) p.hourlyCap = 'range';
  if (f.rampOn) {
    if (!(int(f.rampStart) >= 1)) p.rampStart = 'range';
    const growth = Number(f.rampGrowth);
    if (!(growth >= 1 && growth <= 10)) p.rampGrowth = 'range';
    const days = int(f.rampDays);
    if (!(days >= 1 && days <= 60)) p.rampDays = 'range';
  }
  return p;
}

/** The API body of a form without problems ({@link formProblems}). */
export function toInput(f: CampaignForm): CampaignInput {
  const template = splitTemplateKey(f.template) ?? { name: '', language: '' };
  return {
    name: f.name.trim(),
    phoneNumberIds: f.phoneNumberIds,
    template: {
      ...template,
      variables: f.variables.map((v) => ({
        ...(v.named ? { name: v.placeholder } : {}),
        source: sourceOf(v),
        fallback: v.fallback.trim(),
      })),
      ...headerInput(f),
      buttons: f.buttons.flatMap((b) => buttonInput(b)),
    },
    variantB: f.variantB,
    audience:
      f.audienceKind === 'segment'
        ? { segmentId: f.segmentId }
        : f.audienceKind === 'condition'
          ? { condition: f.condition.trim() }
          : f.audienceKind === 'csv'
            ? { importId: f.importId }
            : { contactIds: f.contactIds },
    exclusions: {
      segmentIds: f.excludedSegmentIds,
      frequencyCap: f.frequencyCapOn
        ? { count: int(f.frequencyCapCount), days: int(f.frequencyCapDays) }
        : null,
      requireOptIn: f.requireOptIn === 'default' ? null : f.requireOptIn === 'yes',
    },
    schedule:
      f.scheduleKind === 'now'
        ? { kind: 'now' }
        : f.scheduleKind === 'at'
          ? { kind: 'at', at: new Date(f.at).toISOString() }
          : { kind: 'local', date: f.date, time: f.time },
    quietHours: { start: f.quietStart, end: f.quietEnd },
    limits: {
      hourlyCap: f.hourlyCap.trim() ? int(f.hourlyCap) : null,
      ramp: f.rampOn
        ? { startPerDay: int(f.rampStart), growth: Number(f.rampGrowth), days: int(f.rampDays) }
        : null,
    },
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
function headerInput(f: CampaignForm): Pick<CampaignTemplate, 'header'> {
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
