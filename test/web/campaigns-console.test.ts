import { describe, expect, it } from 'vitest';
import type { CampaignDto } from '../../src/contracts/campaign.schemas.ts';
import {
  emptyForm,
  formOf,
  formProblems,
  localDate,
  splitTemplateKey,
  templateKey,
  toInput,
} from '../../src/web/features/campaigns/campaign-form.ts';
import {
  buttonsFor,
  headerFor,
  variablesFor,
} from '../../src/web/features/campaigns/template-values-form.ts';
import {
  abilitiesOf,
  liveRefreshMs,
  offeredActions,
} from '../../src/web/features/campaigns/campaign-view.ts';
import { formatMoney } from '../../src/web/features/campaigns/format.ts';
import { funnelStages, parseFunnelExtras } from '../../src/web/features/campaigns/funnel.ts';

const counters = {
  eligible: 10,
  planned: 1,
  skipped: { opted_out: 2 },
  queued: 1,
  sent: 2,
  delivered: 1,
  read: 3,
  replied: 2,
  clicked: 0,
  converted: 0,
  failed: [{ code: 131026, meaning: 'x', count: 0 }],
};

const TEMPLATE = {
  components: [
    { type: 'BODY', text: 'こんにちは {{1}} 様、{{2}} まで', example: { body_text: [['山田', '12/31']] } },
  ],
};
const IMAGE_TEMPLATE = { components: [{ type: 'HEADER', format: 'IMAGE' }, ...TEMPLATE.components] };
/** A text header with a variable, a quick reply, a URL button ending in {{1}} and a plain URL button. */
const RICH_TEMPLATE = {
  components: [
    { type: 'HEADER', format: 'TEXT', text: '{{1}}様へ', example: { header_text: ['田中'] } },
    ...TEMPLATE.components,
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: '相談する' },
        { type: 'URL', text: '注文', url: 'https://shop.example/o/{{1}}' },
        { type: 'URL', text: 'Home', url: 'https://shop.example/' },
      ],
    },
  ],
};

function campaign(over: Partial<CampaignDto> = {}): CampaignDto {
  return {
    id: 'c1',
    name: '冬',
    status: 'draft',
    phoneNumberIds: ['n1'],
    template: {
      name: 'winter',
      language: 'ja',
      variables: [
        { source: { kind: 'field', field: 'name' }, fallback: 'お客様' },
        { source: { kind: 'literal', value: '12/31' }, fallback: '月末' },
      ],
      buttons: [],
    },
    variantB: null,
    audience: { segmentId: '0190b6a4-0000-7000-8000-000000000001' },
    exclusions: { segmentIds: [], frequencyCap: { count: 2, days: 7 }, requireOptIn: false },
    schedule: { kind: 'local', date: '2026-12-07', time: '09:00' },
    quietHours: { start: '08:00', end: '22:00' },
    limits: { hourlyCap: 500, ramp: null },
    createdBy: null,
    approvedBy: null,
    planState: 'pending',
    launchedAt: null,
    completedAt: null,
    createdAt: '2026-12-05T00:00:00.000Z',
    updatedAt: '2026-12-05T00:00:00.000Z',
    ...over,
  };
}

describe('campaign funnel', () => {
  it('counts each stage with every later one, and shares of the stage before and of those sent', () => {
    const stages = funnelStages(counters);
    expect(stages.map((s) => [s.key, s.count])).toEqual([
      ['sent', 8],
      ['delivered', 6],
      ['read', 5],
      ['replied', 2],
    ]);
    expect(stages[0]!.ofPrevious).toBeNull();
    expect(stages[1]!.ofPrevious).toBeCloseTo(6 / 8);
    expect(stages[3]!.ofSent).toBeCloseTo(2 / 8);
  });

  it('adds clicked and converted only when the funnel endpoint reports them', () => {
    expect(funnelStages(counters, parseFunnelExtras({})).map((s) => s.key)).toHaveLength(4);
    const extras = parseFunnelExtras({
      funnel: { sent: 8, delivered: 6, read: 5, clicked: 4, replied: 2, converted: 1 },
      revenue: [
        { currency: 'EUR', amount: 5, conversions: 1 },
        { currency: 'USD', amount: 30, conversions: 1 },
      ],
      cost: { total: 0.8, currency: 'USD', category: 'MARKETING' },
      costPerAcquisition: 0.8,
    });
    expect(extras).toEqual({ clicked: 4, converted: 1, revenue: 30, cpa: 0.8, currency: 'USD' });
    // Clicks and conversions are rated against those who read (5).
    expect(funnelStages(counters, extras).slice(4)).toMatchObject([
      { key: 'clicked', count: 4, ofPrevious: 0.8 },
      { key: 'converted', count: 1, ofPrevious: 0.2 },
    ]);
    expect(funnelStages({ ...counters, sent: 0, delivered: 0, read: 0, replied: 0 })[0]!.ofSent).toBeNull();
  });
});

describe('campaign builder form', () => {
  it('round-trips a saved campaign through the form to the same API body', () => {
    const c = campaign();
    const f = formOf(c, TEMPLATE, '2026-12-06');
    expect(f.template).toBe('winter|ja');
    expect(formProblems(f)).toEqual({});
    const input = toInput(f);
    expect(input).toEqual({
      name: c.name,
      phoneNumberIds: c.phoneNumberIds,
      template: c.template,
      variantB: null,
      audience: c.audience,
      exclusions: c.exclusions,
      schedule: c.schedule,
      quietHours: c.quietHours,
      limits: c.limits,
    });
  });

  it('round-trips a CSV audience, a CSV column variable and header media; a CSV column needs a CSV audience', () => {
    const c = campaign({
      template: {
        name: 'winter',
        language: 'ja',
        variables: [
          { source: { kind: 'field', field: 'name' }, fallback: 'お客様' },
          { source: { kind: 'csv', column: 'coupon' }, fallback: 'WELCOME' },
        ],
        buttons: [],
        header: { type: 'image', mediaId: 'wa-media-1' },
      },
      audience: { importId: '0190b6a4-0000-7000-8000-000000000009' },
    });
    const f = formOf(c, IMAGE_TEMPLATE, '2026-12-06');
    expect(f.audienceKind).toBe('csv');
    expect(formProblems(f)).toEqual({});
    expect(toInput(f)).toMatchObject({ template: c.template, audience: c.audience });
    expect(formProblems({ ...f, audienceKind: 'segment', segmentId: 's1' })).toEqual({
      'variable:2': 'csvNeedsCsvAudience',
    });
    expect(formProblems({ ...f, importId: '' })).toEqual({ importId: 'uploadCsv' });
  });

  it('round-trips a text header variable, a URL suffix, a tracked button and a payload', () => {
    const c = campaign({
      template: {
        ...campaign().template,
        header: { type: 'text', variable: { source: { kind: 'field', field: 'name' }, fallback: 'お客様' } },
        buttons: [
          { index: 0, payload: { source: { kind: 'literal', value: 'TALK' }, fallback: 'x' } },
          { index: 1, suffix: { source: { kind: 'attribute', key: 'order' }, fallback: 'latest' } },
        ],
      },
    });
    const f = formOf(c, RICH_TEMPLATE, '2026-12-06');
    expect(f.buttons.map((b) => [b.index, b.button, b.label, b.kind])).toEqual([
      [0, 'quick_reply', '相談する', 'literal'],
      [1, 'url', '注文', 'attribute'],
    ]);
    expect(formProblems(f)).toEqual({});
    expect(toInput(f).template).toEqual(c.template);
    // A tracked button needs no fallback; a quick reply without payload is left out.
    const tracked = {
      ...f,
      buttons: [
        { ...f.buttons[0]!, kind: 'none' as const },
        { ...f.buttons[1]!, kind: 'link' as const, url: 'https://shop.example/sale', fallback: '' },
      ],
    };
    expect(formProblems(tracked)).toEqual({});
    expect(toInput(tracked).template.buttons).toEqual([{ index: 1, url: 'https://shop.example/sale' }]);
    expect(
      formProblems({ ...f, headerVariable: { ...f.headerVariable!, fallback: '' } })['variable:header'],
    ).toBe('fallbackRequired');
  });

  it('asks for the header media of a media header: an uploaded file (with its name) or an https link', () => {
    const { headerMedia } = headerFor(IMAGE_TEMPLATE, { headerMedia: null, headerVariable: null });
    expect(headerMedia).toEqual({ type: 'image', mode: 'upload', mediaId: '', filename: '', link: '' });
    const f = { ...formOf(campaign(), IMAGE_TEMPLATE, '2026-12-06'), headerMedia };
    expect(formProblems(f).headerMedia).toBe('pickMedia');
    const uploaded = { ...f, headerMedia: { ...headerMedia!, mediaId: 'wa-1', filename: 'spring.jpg' } };
    expect(formProblems(uploaded)).toEqual({});
    expect(toInput(uploaded).template.header).toEqual({
      type: 'image',
      mediaId: 'wa-1',
      filename: 'spring.jpg',
    });
    const link = {
      ...f,
      headerMedia: { ...headerMedia!, mode: 'link' as const, link: 'http://x.test/a.jpg' },
    };
    expect(formProblems(link).headerMedia).toBe('httpsUrl');
    // Another template: the header follows it (a text header's variable, no media).
    expect(headerFor(RICH_TEMPLATE, uploaded)).toMatchObject({
      headerMedia: null,
      headerVariable: { placeholder: '1', example: '田中' },
    });
    expect(buttonsFor(TEMPLATE, [])).toEqual([]);
  });

  it('offers the body variables of the chosen template, keeping what was set for the same placeholders', () => {
    const vars = variablesFor(TEMPLATE, []);
    expect(vars.map((v) => [v.placeholder, v.named, v.kind, v.example])).toEqual([
      ['1', false, 'field', '山田'],
      ['2', false, 'field', '12/31'],
    ]);
    const kept = variablesFor(TEMPLATE, [{ ...vars[0]!, fallback: 'お客様' }]);
    expect(kept[0]!.fallback).toBe('お客様');
    const named = variablesFor({ components: [{ type: 'BODY', text: 'Hi {{first_name}}' }] }, []);
    expect(named[0]).toMatchObject({ placeholder: 'first_name', named: true });
    expect(variablesFor(undefined, vars)).toEqual([]);
  });

  it('says what is missing before asking the server', () => {
    const f = emptyForm({ tomorrow: '2026-12-06' });
    expect(formProblems(f)).toMatchObject({
      name: 'required',
      phoneNumberIds: 'pickNumber',
      template: 'pickTemplate',
      segmentId: 'pickSegment',
    });
    const withVars = { ...f, template: 'winter|ja', variables: variablesFor(TEMPLATE, []) };
    expect(formProblems(withVars)['variable:1']).toBe('fallbackRequired');
    expect(formProblems({ ...f, frequencyCapOn: true, frequencyCapDays: '91' }).frequencyCapDays).toBe(
      'range',
    );
    expect(formProblems({ ...f, scheduleKind: 'local', time: '9:00' }).time).toBe('required');
  });

  it('keeps template names with a bar apart from their language, and dates in a zone', () => {
    expect(splitTemplateKey(templateKey({ name: 'a|b', language: 'en_US' }))).toEqual({
      name: 'a|b',
      language: 'en_US',
    });
    expect(splitTemplateKey('')).toBeNull();
    // 2026-12-05 20:00Z is already the 6th in Tokyo.
    expect(localDate(new Date('2026-12-05T20:00:00Z'), 'Asia/Tokyo', 1)).toBe('2026-12-07');
    expect(localDate(new Date('2026-12-05T20:00:00Z'), 'America/New_York')).toBe('2026-12-05');
  });
});

describe('campaign page', () => {
  it('refreshes while the counters can move', () => {
    const now = Date.parse('2026-12-05T12:00:00Z');
    expect(liveRefreshMs(campaign({ status: 'running' }), now)).toBe(3000);
    expect(liveRefreshMs(campaign({ status: 'draft' }), now)).toBe(false);
    const done = (at: string) => campaign({ status: 'completed', completedAt: at });
    expect(liveRefreshMs(done('2026-12-05T11:30:00Z'), now)).toBe(5000);
    expect(liveRefreshMs(done('2026-12-04T12:00:00Z'), now)).toBe(30_000);
    expect(liveRefreshMs(done('2026-12-01T12:00:00Z'), now)).toBe(false);
  });

  it('offers each role only what the API lets it do', () => {
    expect(abilitiesOf('analyst')).toEqual({ edit: false, manage: false, needsApproval: true });
    expect(abilitiesOf('agent')).toEqual({ edit: true, manage: false, needsApproval: true });
    expect(offeredActions('running', abilitiesOf('admin'))).toEqual(['pause', 'cancel']);
    expect(offeredActions('awaiting_approval', abilitiesOf('owner'))).toEqual(['approve', 'cancel']);
    expect(offeredActions('paused', abilitiesOf('agent'))).toEqual([]);
  });

  it('formats estimate money with cents, and more digits only when a price has them', () => {
    expect(formatMoney(0.3, 'USD', 'en')).toBe('$0.30');
    expect(formatMoney(0.0135, 'USD', 'en')).toBe('$0.0135');
    expect(formatMoney(1200, 'JPY', 'en')).toBe('¥1,200');
  });
});
