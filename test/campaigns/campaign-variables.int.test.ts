import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignDto } from '../../src/contracts/campaign.schemas.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

const WABA = '102290129341102';
type Err = { error: { code: string; message: string; details?: Record<string, unknown> } };
type SentTemplate = { template: { name: string; components?: Record<string, unknown>[] } };

/**
 * Header text variables, URL button suffixes and quick-reply payloads of campaign templates, end to end: checked
 * against the approved template at launch (422 per mismatch), rendered per recipient, validated and received by
 * the simulator over real HTTP, and a quick-reply tap attributed to the campaign message it answers.
 */
describe('campaign header and button variables', () => {
  let s: RunningTsunagi;
  let numberId: string;
  let cloudNumberId: string;
  const contacts: Record<string, string> = {};
  const wa = { tanaka: '819022220001', suzuki: '819022220002' };

  const create = async (template: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    s.api<CampaignDto & Err>('POST', '/api/v1/campaigns', {
      name: 'Variables',
      phoneNumberIds: [numberId],
      template: { language: 'ja', ...template },
      audience: { contactIds: [contacts.tanaka, contacts.suzuki] },
      ...extra,
    });
  const draft = async (template: Record<string, unknown>) => {
    const res = await create(template);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const launch = (id: string) => s.api<CampaignDto & Err>('POST', `/api/v1/campaigns/${id}/launch`);
  const patchTemplate = async (id: string, template: Record<string, unknown>) => {
    const res = await s.api<CampaignDto & Err>('PATCH', `/api/v1/campaigns/${id}`, {
      template: { language: 'ja', ...template },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  const advance = async (ms: number) => {
    s.clock.advance(ms);
    await s.t.scheduler.tick();
    await s.t.drain();
    await s.t.simulator!.flush();
    await s.t.drain();
  };
  const received = (to: string, name: string) =>
    s.t
      .simulator!.sent({ to })
      .filter((r) => r.phoneNumberId === cloudNumberId && r.type === 'template')
      .filter((r) => (r.body as SentTemplate).template.name === name);
  const refusal = (r: { status: number; body: Err }) => [
    r.status,
    r.body.error.code,
    r.body.error.details?.component,
    r.body.error.details?.index,
  ];

  beforeAll(async () => {
    s = await startTestTsunagi();
    const sim = s.t.simulator!;
    sim.addTemplate(WABA, {
      name: 'season_notice',
      language: 'ja',
      category: 'MARKETING',
      components: [
        { type: 'HEADER', format: 'TEXT', text: '{{1}}様へのお知らせ', example: { header_text: ['田中'] } },
        { type: 'BODY', text: '春の新作が入荷しました' },
      ],
    });
    sim.addTemplate(WABA, {
      name: 'season_named',
      language: 'ja',
      category: 'MARKETING',
      parameter_format: 'NAMED',
      components: [
        { type: 'HEADER', format: 'TEXT', text: '{{season}}のセール' },
        { type: 'BODY', text: '{{first_name}}様、お待ちしています' },
      ],
    });
    sim.addTemplate(WABA, {
      name: 'order_buttons',
      language: 'ja',
      category: 'UTILITY',
      components: [
        { type: 'BODY', text: 'ご注文を承りました' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: '配送について相談' },
            { type: 'URL', text: '注文を見る', url: 'https://shop.example/orders/{{1}}', example: ['A-1'] },
          ],
        },
      ],
    });
    sim.addTemplate(WABA, {
      name: 'plain_notice',
      language: 'ja',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'ご来店ありがとうございました' }],
    });
    const number = await s.addNumber({ wabaId: WABA });
    numberId = number.id;
    cloudNumberId = number.phoneNumberId;
    const add = async (key: keyof typeof wa, body: Record<string, unknown>) => {
      const res = await s.api<{ id: string }>('POST', '/api/v1/contacts', { phone: `+${wa[key]}`, ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      contacts[key] = res.body.id;
    };
    await add('tanaka', { name: '田中', consentState: 'opted_in', attributes: { order: 'A-1001' } });
    await add('suzuki', { consentState: 'opted_in' });
    await s.t.drain();
  });
  afterAll(async () => s?.close());

  it('a text header variable: 422 until it is given, then each recipient gets their own header', async () => {
    const c = await draft({ name: 'season_notice' });
    expect(refusal(await launch(c.id))).toEqual([422, 'template_header_mismatch', 'header', undefined]);
    // Media for a text header is refused as well.
    await patchTemplate(c.id, {
      name: 'season_notice',
      header: { type: 'image', link: 'https://cdn.example/a.jpg' },
    });
    expect(refusal(await launch(c.id))).toEqual([422, 'template_header_mismatch', 'header', undefined]);
    await patchTemplate(c.id, {
      name: 'season_notice',
      header: {
        type: 'text',
        variable: { source: { kind: 'field', field: 'name' }, fallback: 'お客様' },
      },
    });
    expect((await launch(c.id)).body.status).toBe('running');
    await advance(0);
    const header = (to: string) =>
      received(to, 'season_notice').map((r) => (r.body as SentTemplate).template.components);
    // The simulator validated the header against the template (count, type, length) and accepted it.
    expect(header(wa.tanaka)).toEqual([[{ type: 'header', parameters: [{ type: 'text', text: '田中' }] }]]);
    expect(header(wa.suzuki)).toEqual([[{ type: 'header', parameters: [{ type: 'text', text: 'お客様' }] }]]);
    const ledger = await s.api<{ data: { status: string }[] }>('GET', `/api/v1/campaigns/${c.id}/recipients`);
    expect(ledger.body.data.map((r) => r.status).sort()).toEqual(['sent', 'sent']);
  });

  it('a named text header: the variable carries the placeholder’s name', async () => {
    const body = [{ name: 'first_name', source: { kind: 'field', field: 'name' }, fallback: 'お客様' }];
    const header = (name?: string) => ({
      type: 'text',
      variable: { ...(name ? { name } : {}), source: { kind: 'literal', value: '春' }, fallback: '春' },
    });
    const c = await draft({ name: 'season_named', variables: body, header: header() });
    const unnamed = await launch(c.id);
    expect(refusal(unnamed)).toEqual([422, 'template_header_mismatch', 'header', undefined]);
    expect(unnamed.body.error.message).toMatch(/named variable season/);
    await patchTemplate(c.id, { name: 'season_named', variables: body, header: header('season') });
    expect((await launch(c.id)).body.status).toBe('running');
    await advance(0);
    expect(
      received(wa.tanaka, 'season_named').map((r) => (r.body as SentTemplate).template.components),
    ).toEqual([
      [
        { type: 'header', parameters: [{ type: 'text', parameter_name: 'season', text: '春' }] },
        { type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: '田中' }] },
      ],
    ]);
  });

  it('button values: 422 per mismatch, then URL suffixes and payloads per recipient', async () => {
    const suffix = { index: 1, suffix: { source: { kind: 'attribute', key: 'order' }, fallback: 'latest' } };
    const payload = { index: 0, payload: { source: { kind: 'literal', value: 'SHIPPING' }, fallback: 'x' } };
    const c = await draft({ name: 'order_buttons' });
    // The URL button's {{1}} has no value.
    expect(refusal(await launch(c.id))).toEqual([422, 'template_variables_mismatch', 'button', 1]);
    // A payload on the URL button, a suffix on the quick reply.
    await patchTemplate(c.id, { name: 'order_buttons', buttons: [{ ...payload, index: 1 }] });
    expect(refusal(await launch(c.id))).toEqual([422, 'template_variables_mismatch', 'button', 1]);
    await patchTemplate(c.id, { name: 'order_buttons', buttons: [{ ...suffix, index: 0 }, suffix] });
    expect(refusal(await launch(c.id))).toEqual([422, 'template_variables_mismatch', 'button', 0]);
    // A button the template does not have.
    await patchTemplate(c.id, { name: 'order_buttons', buttons: [suffix, { ...payload, index: 2 }] });
    expect(refusal(await launch(c.id))).toEqual([422, 'template_variables_mismatch', 'button', 2]);
    // Buttons for a template without any.
    const plain = await draft({ name: 'plain_notice', buttons: [payload] });
    expect(refusal(await launch(plain.id))).toEqual([422, 'template_variables_mismatch', 'button', 0]);

    await patchTemplate(c.id, { name: 'order_buttons', buttons: [suffix, payload] });
    expect((await launch(c.id)).body.status).toBe('running');
    await advance(0);
    const buttons = (to: string) =>
      received(to, 'order_buttons').map((r) => (r.body as SentTemplate).template.components);
    expect(buttons(wa.tanaka)).toEqual([
      [
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '0',
          parameters: [{ type: 'payload', payload: 'SHIPPING' }],
        },
        { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'A-1001' }] },
      ],
    ]);
    expect(buttons(wa.suzuki)[0]?.[1]).toEqual({
      type: 'button',
      sub_type: 'url',
      index: '1',
      parameters: [{ type: 'text', text: 'latest' }],
    });
  });

  it('a quick-reply tap is attributed to the campaign message it answers, not the latest one', async () => {
    const tapped = (await s.api<{ data: CampaignDto[] }>('GET', '/api/v1/campaigns')).body.data.find(
      (c) => c.template.name === 'order_buttons' && c.status !== 'draft',
    )!;
    const later = await draft({ name: 'plain_notice' });
    expect((await launch(later.id)).body.status).toBe('running');
    await advance(60_000);
    const [order] = received(wa.tanaka, 'order_buttons');
    expect(received(wa.tanaka, 'plain_notice')).toHaveLength(1);
    s.t.simulator!.inbound({
      phoneNumberId: cloudNumberId,
      from: wa.tanaka,
      name: '田中',
      message: {
        type: 'button',
        button: { payload: 'SHIPPING', text: '配送について相談' },
        context: { id: order!.wamid },
      },
    });
    await advance(0);
    const replied = async (id: string) =>
      (
        await s.api<{ data: { contactId: string }[] }>(
          'GET',
          `/api/v1/campaigns/${id}/recipients?status=replied`,
        )
      ).body.data.map((r) => r.contactId);
    expect(await replied(tapped.id)).toEqual([contacts.tanaka]);
    expect(await replied(later.id)).toEqual([]);
  });

  it('refuses (400) link sources outside the body, CSV columns without a CSV audience, and bad shapes', async () => {
    const link = { source: { kind: 'link', url: 'https://shop.example/' }, fallback: 'x' };
    const csv = { source: { kind: 'csv', column: 'coupon' }, fallback: 'x' };
    const refused = await Promise.all([
      create({ name: 'season_notice', header: { type: 'text', variable: link } }),
      create({ name: 'order_buttons', buttons: [{ index: 1, suffix: link }] }),
      create({ name: 'order_buttons', buttons: [{ index: 0, payload: csv }] }),
      create({ name: 'season_notice', header: { type: 'text', variable: csv } }),
      create({ name: 'season_notice', header: { type: 'text' } }),
      create({ name: 'order_buttons', buttons: [{ index: 1, suffix: csv, url: 'https://shop.example/' }] }),
    ]);
    expect(refused.map((r) => [r.status, r.body.error.code])).toEqual(
      refused.map(() => [400, 'validation_failed']),
    );
  });
});
