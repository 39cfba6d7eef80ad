import type { CampaignDto, CampaignInput } from '../../../contracts/campaign.schemas.ts';
import type { TemplateDto } from '../../../contracts/template.schemas.ts';
import { valuesInput, valuesOf, valuesProblems, type TemplateValuesForm } from './template-values-form.ts';

/*
 * The campaign builder's form (pure): what the inputs hold, how a saved campaign fills them, and the API body they
 * make. The server validates again; these checks only say what is missing before a round trip.
 */

/** What the builder's inputs hold. */
export interface CampaignForm extends TemplateValuesForm {
  name: string;
  phoneNumberIds: string[];
  /** `name|language` of the chosen approved template, or ''. */
  template: string;
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

/** The form of a saved campaign; `template` is its approved template's components when known. */
export function formOf(
  c: CampaignDto,
  template: Pick<TemplateDto, 'components'> | undefined,
  tomorrow: string,
): CampaignForm {
  const a = c.audience;
  const e = c.exclusions;
  const s = c.schedule;
  return {
    ...emptyForm({ tomorrow }),
    name: c.name,
    phoneNumberIds: c.phoneNumberIds,
    template: templateKey(c.template),
    ...valuesOf(c.template, template),
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
  };
}

/** Fields the builder refuses to save, by the form key they belong to, with the problem's locale key. */
export type FormProblems = Partial<Record<keyof CampaignForm | `variable:${string}`, string>>;

const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : NaN);

/** What is missing or wrong, before asking the server (empty: the form can be saved). */
export function formProblems(f: CampaignForm): FormProblems {
  const p: FormProblems = {};
  if (!f.name.trim()) p.name = 'required';
  if (f.phoneNumberIds.length === 0) p.phoneNumberIds = 'pickNumber';
  if (!splitTemplateKey(f.template)) p.template = 'pickTemplate';
  Object.assign(p, valuesProblems(f, f.audienceKind === 'csv'));
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
    template: { ...template, ...valuesInput(f) },
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
