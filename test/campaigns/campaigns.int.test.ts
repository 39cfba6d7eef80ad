import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignDto, CampaignEstimateDto } from '../../src/contracts/campaign.schemas.ts';
import { planCampaign } from '../../src/server/modules/campaigns/campaign-plan.service.ts';
import { releaseCampaign } from '../../src/server/modules/campaigns/campaign-release.service.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { seedApiKey } from '../support/app.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

const WABA = '102290129341101';
type Err = { error: { code: string; details?: Record<string, unknown> } };

/**
 * Campaigns end to end through the simulator over real HTTP, with a fake clock (starts Monday 2026-03-02 01:00Z:
 * 10:00 in Tokyo, 20:00 on Sunday in New York).
 */
describe('campaigns: plan, release, outcomes, through the simulator', () => {
  let s: RunningTsunagi;
  let numberId: string;
  let cloudNumberId: string;
  const contacts: Record<string, string> = {};
  let everyone: string;
  let blocked: string;

  const wa = {
    tanaka: '819011110001',
    suzuki: '819011110002',
    optedOut: '819011110003',
    unknown: '819011110004',
    blocked: '819011110005',
    john: '12125550101',
    gone: '819011110007',
  };

  const ledger = (campaignId: string) =>
    s.t.ctx.db
      .selectFrom('campaign_recipients')
      .selectAll()
      .where('campaign_id', '=', campaignId)
      .orderBy('contact_id')
      .execute();
  const sentTemplates = (to: string) =>
    s.t
      .simulator!.sent({ to })
      .filter((r) => r.phoneNumberId === cloudNumberId && r.type === 'template')
      .map(
        (r) => r.body as { template: { name: string; components?: { parameters: { text: string }[] }[] } },
      );
  const create = async (body: Record<string, unknown>) => {
    const res = await s.api<CampaignDto>('POST', '/api/v1/campaigns', {
      name: 'Spring sale',
      phoneNumberIds: [numberId],
      template: {
        name: 'spring_sale',
        language: 'ja',
        variables: [{ source: { kind: 'field', field: 'name' }, fallback: 'お客様' }],
      },
      audience: { segmentId: everyone },
      exclusions: { segmentIds: [blocked] },
      ...body,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const act = async (id: string, action: string, headers: Record<string, string> = {}) =>
    s.api<CampaignDto & Err>('POST', `/api/v1/campaigns/${id}/${action}`, undefined, headers);
  const get = async (id: string) => (await s.api<CampaignDto>('GET', `/api/v1/campaigns/${id}`)).body;
  /** Moves the fake clock and lets everything due happen (scheduler tick, jobs, sends, webhooks). */
  const advance = async (ms: number) => {
    s.clock.advance(ms);
    await s.t.scheduler.tick();
    await s.t.drain();
    await s.t.simulator!.flush();
    await s.t.drain();
  };

  beforeAll(async () => {
    s = await startTestTsunagi();
    s.t.simulator!.addTemplate(WABA, {
      name: 'spring_sale',
      language: 'ja',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: '{{1}}様、春のセール開催中！', example: { body_text: [['田中']] } }],
    });
    s.t.simulator!.addTemplate(WABA, {
      name: 'csv_coupon',
      language: 'ja',
      category: 'MARKETING',
      components: [
        { type: 'BODY', text: '{{1}}様、クーポン {{2}}', example: { body_text: [['田中', 'A1']] } },
      ],
    });
    s.t.simulator!.addTemplate(WABA, {
      name: 'promo_image',
      language: 'ja',
      category: 'MARKETING',
      components: [
        { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2U='] } },
        { type: 'BODY', text: '春の新作が入荷しました' },
      ],
    });
    const number = await s.addNumber({ wabaId: WABA });
    numberId = number.id;
    cloudNumberId = number.phoneNumberId;
    s.t.simulator!.registerCustomers({ customers: [{ waId: wa.gone, status: 'unreachable' }] });
    const add = async (key: keyof typeof wa, body: Record<string, unknown>) => {
      const res = await s.api<{ id: string }>('POST', '/api/v1/contacts', { phone: `+${wa[key]}`, ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      contacts[key] = res.body.id;
    };
    await add('tanaka', { name: '田中', consentState: 'opted_in' });
    await add('suzuki', { consentState: 'opted_in' });
    await add('optedOut', { consentState: 'opted_out' });
    await add('unknown', {});
    await add('blocked', { consentState: 'opted_in', attributes: { blocked: 'yes' } });
    await add('john', { name: 'John', consentState: 'opted_in' });
    await add('gone', { consentState: 'opted_in' });
    const seg = async (name: string, condition: string) =>
      (await s.api<{ id: string }>('POST', '/api/v1/segments', { name, condition })).body.id;
    everyone = await seg('Everyone', 'contact.country = "JP" or contact.country = "US"');
    blocked = await seg('Blocked', 'contact.attributes.blocked = "yes"');
    await s.t.drain();
  });
  afterAll(async () => s?.close());

  it('estimates, then sends one template to each eligible contact and skips the others with reasons', async () => {
    const c = await create({});
    expect(c.status).toBe('draft');
    const estimate = await s.api<CampaignEstimateDto>('POST', `/api/v1/campaigns/${c.id}/estimate`);
    expect(estimate.body).toMatchObject({
      audience: 7,
      eligible: 4,
      exclusions: { opted_out: 1, no_consent: 1, excluded_segment: 1 },
      category: 'MARKETING',
    });
    expect(estimate.body.cost.total).toBeCloseTo(3 * 0.1 + 0.025);

    const launched = await act(c.id, 'launch');
    expect(launched.status).toBe(200);
    expect(launched.body.status).toBe('running');
    await advance(0);

    expect(sentTemplates(wa.tanaka).map((b) => b.template.components?.[0]?.parameters[0]?.text)).toEqual([
      '田中',
    ]);
    expect(sentTemplates(wa.suzuki).map((b) => b.template.components?.[0]?.parameters[0]?.text)).toEqual([
      'お客様',
    ]);
    expect(sentTemplates(wa.john)).toHaveLength(1);
    for (const k of ['optedOut', 'unknown', 'blocked'] as const) expect(sentTemplates(wa[k])).toHaveLength(0);
    const rows = await ledger(c.id);
    const byContact = new Map(rows.map((r) => [r.contact_id, r]));
    expect(byContact.get(contacts.optedOut!)).toMatchObject({ status: 'skipped', skip_reason: 'opted_out' });
    expect(byContact.get(contacts.unknown!)).toMatchObject({ status: 'skipped', skip_reason: 'no_consent' });
    expect(byContact.get(contacts.blocked!)).toMatchObject({
      status: 'skipped',
      skip_reason: 'excluded_segment',
    });
    const origins = await s.t.ctx.db
      .selectFrom('messages')
      .select(['origin', 'lane'])
      .where(
        'id',
        'in',
        rows.flatMap((r) => (r.message_id ? [r.message_id] : [])),
      )
      .execute();
    expect(origins).toHaveLength(4);
    expect(origins.every((m) => m.origin === 'campaign' && m.lane === 'bulk')).toBe(true);

    // The status webhooks arrive (delivered after 1 s, read after 2 s); the unreachable number fails with 131026.
    await advance(3000);
    const live = await get(c.id);
    expect(live.status).toBe('completed');
    expect(live.counters).toMatchObject({
      eligible: 4,
      skipped: { opted_out: 1, no_consent: 1, excluded_segment: 1 },
      read: 3,
      failed: [{ code: 131026, count: 1 }],
    });
    expect(live.counters?.failed[0]?.meaning).toMatch(/undeliverable/i);
    const gone = await s.t.ctx.db
      .selectFrom('contacts')
      .select('unreachable_at')
      .where('id', '=', contacts.gone!)
      .executeTakeFirstOrThrow();
    expect(gone.unreachable_at).not.toBeNull();
    // The status webhooks of one ingest batch reach the campaign as one job per workspace, not one per status.
    const statusJobs = await s.t.ctx.db
      .selectFrom('jobs')
      .select('payload')
      .where('name', '=', 'campaign.message_status')
      .execute();
    const carried = statusJobs.flatMap((j) => (j.payload as { messageIds?: string[] }).messageIds ?? []);
    expect(carried.length).toBeGreaterThanOrEqual(4);
    expect(statusJobs.length).toBeLessThan(carried.length);

    // Tanaka answers: the reply is attributed to the campaign.
    s.t.simulator!.inbound({
      phoneNumberId: cloudNumberId,
      from: wa.tanaka,
      name: '田中',
      message: { type: 'text', text: { body: 'クーポンはありますか？' } },
    });
    await advance(0);
    expect((await get(c.id)).counters).toMatchObject({ replied: 1, read: 2 });
    const replied = await s.api<{ data: { contactId: string }[] }>(
      'GET',
      `/api/v1/campaigns/${c.id}/recipients?status=replied`,
    );
    expect(replied.body.data.map((r) => r.contactId)).toEqual([contacts.tanaka]);
    // Each recipient carries its contact's name and number; the list carries each campaign's counters.
    expect(replied.body.data[0]).toMatchObject({ contactName: '田中', contactPhone: `+${wa.tanaka}` });
    const list = await s.api<{ data: CampaignDto[] }>('GET', '/api/v1/campaigns');
    expect(list.body.data.find((x) => x.id === c.id)?.counters).toEqual((await get(c.id)).counters);
    // The next campaign leaves the unreachable number out.
    const next = await create({
      name: 'Next',
      exclusions: { segmentIds: [], frequencyCap: { count: 1, days: 3 } },
    });
    const e2 = await s.api<CampaignEstimateDto>('POST', `/api/v1/campaigns/${next.id}/estimate`);
    // Four got the first campaign: the unreachable one is reported as such, the other three hit the cap.
    expect(e2.body.exclusions).toMatchObject({ unreachable: 1, frequency_cap: 3 });
  });

  it('sends at 09:00 in each recipient’s time zone, and carries quiet hours to 08:00 local', async () => {
    s.clock.set('2026-03-03T03:00:00.000Z'); // 12:00 in Tokyo, 22:00 in New York (quiet)
    const local = await create({
      name: '09:00 local',
      audience: { contactIds: [contacts.tanaka, contacts.john] },
      schedule: { kind: 'local', date: '2026-03-04', time: '09:00' },
    });
    const now = await create({ name: 'Now', audience: { contactIds: [contacts.suzuki, contacts.john] } });
    expect((await act(local.id, 'launch')).body.status).toBe('scheduled');
    expect((await act(now.id, 'launch')).body.status).toBe('running');
    await advance(0);
    const due = async (id: string) =>
      new Map((await ledger(id)).map((r) => [r.contact_id, r.due_at?.toISOString()]));
    expect(await due(local.id)).toEqual(
      new Map([
        [contacts.tanaka, '2026-03-04T00:00:00.000Z'],
        [contacts.john, '2026-03-04T14:00:00.000Z'],
      ]),
    );
    // Suzuki (Tokyo) now; John's 22:00 is quiet: 08:00 EST the next morning.
    expect((await due(now.id)).get(contacts.john!)).toBe('2026-03-03T13:00:00.000Z');
    expect(sentTemplates(wa.suzuki)).toHaveLength(2);
    expect(sentTemplates(wa.john)).toHaveLength(1);

    await advance(10 * 3_600_000); // 13:00Z: 08:00 in New York
    expect(sentTemplates(wa.john)).toHaveLength(2);
    expect(sentTemplates(wa.tanaka)).toHaveLength(1);
    await advance(11 * 3_600_000); // 00:00Z on the 4th: 09:00 in Tokyo
    expect(sentTemplates(wa.tanaka)).toHaveLength(2);
    expect(sentTemplates(wa.john)).toHaveLength(2);
    await advance(14 * 3_600_000); // 14:00Z: 09:00 in New York
    expect(sentTemplates(wa.john)).toHaveLength(3);
    expect((await get(local.id)).status).toBe('completed');
  });

  it('plans twice and releases twice concurrently: each recipient gets exactly one message', async () => {
    s.clock.set('2026-03-05T00:00:00.000Z'); // 09:00 in Tokyo, 19:00 in New York
    const c = await create({ name: 'Twice', exclusions: { segmentIds: [], requireOptIn: false } });
    // An owner's launch enqueues the jobs; run the functions by hand, twice and at once, before draining.
    expect((await act(c.id, 'launch')).status).toBe(200);
    const deps = { db: s.t.ctx.db, clock: s.clock };
    await Promise.all([planCampaign(deps, s.workspaceId, c.id), planCampaign(deps, s.workspaceId, c.id)]);
    await Promise.all([
      releaseCampaign(deps, s.workspaceId, c.id),
      releaseCampaign(deps, s.workspaceId, c.id),
    ]);
    await advance(0);
    await planCampaign(deps, s.workspaceId, c.id);
    await releaseCampaign(deps, s.workspaceId, c.id);
    const rows = await ledger(c.id);
    expect(rows).toHaveLength(7);
    const messages = await s.t.ctx.db
      .selectFrom('messages')
      .select(['contact_id'])
      .where('workspace_id', '=', s.workspaceId)
      .where('idempotency_key', 'like', `campaign:${c.id}:%`)
      .execute();
    const eligible = rows.filter((r) => r.status !== 'skipped').map((r) => r.contact_id);
    expect(messages.map((m) => m.contact_id).sort()).toEqual(eligible.sort());
    expect(new Set(messages.map((m) => m.contact_id)).size).toBe(messages.length);
  });

  it('pauses, resumes and cancels; refuses edits of a launched campaign and unapproved templates', async () => {
    const c = await create({ name: 'Later', schedule: { kind: 'at', at: '2026-03-10T03:00:00Z' } });
    expect((await act(c.id, 'launch')).body.status).toBe('scheduled');
    const edit = await s.api<Err>('PATCH', `/api/v1/campaigns/${c.id}`, { name: 'x' });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe('campaign_not_draft');
    expect((await act(c.id, 'pause')).body.status).toBe('paused');
    expect((await act(c.id, 'pause')).body.error.code).toBe('campaign_invalid_state');
    await advance(0);
    expect((await ledger(c.id)).filter((r) => r.status === 'planned')).toHaveLength(3);
    expect((await act(c.id, 'resume')).body.status).toBe('running');
    expect((await act(c.id, 'cancel')).body.status).toBe('cancelled');
    expect((await get(c.id)).counters?.skipped).toMatchObject({ cancelled: 3 });
    s.clock.set('2026-03-10T03:00:00.000Z');
    await advance(0);
    const sent = await s.t.ctx.db
      .selectFrom('messages')
      .select('id')
      .where('workspace_id', '=', s.workspaceId)
      .where('idempotency_key', 'like', `campaign:${c.id}:%`)
      .execute();
    expect(sent).toEqual([]);

    const bad = await create({ name: 'Bad', template: { name: 'not_there', language: 'ja', variables: [] } });
    const refused = await act(bad.id, 'launch');
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('template_not_approved');
    expect((await s.api('DELETE', `/api/v1/campaigns/${bad.id}`)).status).toBe(204);
    const noVariables = await create({
      name: 'No variables',
      template: { name: 'spring_sale', language: 'ja', variables: [] },
    });
    const mismatch = await act(noVariables.id, 'launch');
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.code).toBe('template_variables_mismatch');
  });

  it('moves recipients of a number removed after planning to a live one', async () => {
    const second = await s.addNumber({ wabaId: WABA });
    // Tanaka last wrote to the second number: it is his sticky sender.
    s.t.simulator!.inbound({
      phoneNumberId: second.phoneNumberId,
      from: wa.tanaka,
      name: '田中',
      message: { type: 'text', text: { body: '別の番号にも' } },
    });
    await advance(0);
    const c = await create({
      name: 'Two numbers',
      phoneNumberIds: [numberId, second.id],
      audience: { contactIds: [contacts.tanaka, contacts.suzuki, contacts.john] },
      schedule: { kind: 'at', at: '2026-03-12T12:30:00Z' }, // 21:30 in Tokyo, 08:30 in New York (EDT)
    });
    expect((await act(c.id, 'launch')).body.status).toBe('scheduled');
    await advance(0);
    const planned = await ledger(c.id);
    expect(planned.find((r) => r.contact_id === contacts.tanaka)?.phone_number_id).toBe(second.id);
    expect((await s.api('DELETE', `/api/v1/phone-numbers/${second.id}`)).status).toBe(204);
    s.clock.set('2026-03-12T12:30:00.000Z');
    await advance(0);
    const rows = await ledger(c.id);
    expect(rows.map((r) => [r.status, r.phone_number_id])).toEqual(rows.map(() => ['sent', numberId]));
    expect((await get(c.id)).status).toBe('completed');
  });

  it('an agent’s launch waits for approval; analysts read only', async () => {
    const agent = await seedApiKey(s.t.ctx, s.workspaceId, 'agent');
    const analyst = await seedApiKey(s.t.ctx, s.workspaceId, 'analyst');
    const c = await create({ name: 'By agent', schedule: { kind: 'at', at: '2026-03-20T03:00:00Z' } });
    expect((await act(c.id, 'launch', agent)).body.status).toBe('awaiting_approval');
    expect((await act(c.id, 'approve', agent)).status).toBe(403);
    expect((await act(c.id, 'approve', analyst)).status).toBe(403);
    expect((await s.api('GET', `/api/v1/campaigns/${c.id}`, undefined, analyst)).status).toBe(200);
    const approved = await act(c.id, 'approve');
    expect(approved.body).toMatchObject({ status: 'scheduled', approvedBy: null });
    expect((await act(c.id, 'cancel')).status).toBe(200);
  });

  it('a CSV audience: new numbers become contacts, bad rows are reported, variables read CSV columns', async () => {
    const upload = async (csv: string, query: string, auth = s.auth) => {
      const res = await fetch(`${s.t.url}/api/v1/contacts/imports${query}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/csv' },
        body: csv,
      });
      expect(res.status).toBe(202);
      return ((await res.json()) as { id: string }).id;
    };
    const sato = '819022220001';
    const importId = await upload(
      [
        'phone,name,consent,coupon',
        `+${wa.tanaka},,,TANAKA10`,
        `+${wa.optedOut},,,OUT`,
        `+${sato},佐藤,opted_in,`,
        'not-a-phone,,,BAD',
      ].join('\n'),
      '?purpose=audience',
    );
    const template = {
      name: 'csv_coupon',
      language: 'ja',
      variables: [
        { source: { kind: 'field', field: 'name' }, fallback: 'お客様' },
        { source: { kind: 'csv', column: 'coupon' }, fallback: 'WELCOME' },
      ],
    };
    const c = await create({ name: 'CSV', template, audience: { importId }, exclusions: {} });
    // The import has not been read yet: no launch until it is done.
    const early = await act(c.id, 'launch');
    expect([early.status, early.body.error.code]).toEqual([409, 'audience_import_not_ready']);
    await s.t.drain();
    const imp = await s.api<{
      status: string;
      created: number;
      failed: number;
      errors: { row: number; code: string }[];
    }>('GET', `/api/v1/contacts/imports/${importId}`);
    expect(imp.body).toMatchObject({
      status: 'done',
      created: 1,
      failed: 1,
      errors: [{ row: 5, code: 'phone_invalid' }],
    });
    const satoId = (
      await s.t.ctx.db.selectFrom('contacts').select('id').where('wa_id', '=', sato).executeTakeFirstOrThrow()
    ).id;
    const consent = await s.t.ctx.db
      .selectFrom('contact_consents')
      .select(['state', 'source'])
      .where('contact_id', '=', satoId)
      .where('purpose', '=', 'marketing')
      .executeTakeFirstOrThrow();
    expect(consent).toEqual({ state: 'opted_in', source: 'import' });

    const estimate = await s.api<CampaignEstimateDto>('POST', `/api/v1/campaigns/${c.id}/estimate`);
    expect(estimate.body).toMatchObject({ audience: 3, eligible: 2, exclusions: { opted_out: 1 } });
    expect((await act(c.id, 'launch')).body.status).toBe('running');
    await advance(0);
    const params = (to: string) =>
      sentTemplates(to)
        .filter((b) => b.template.name === 'csv_coupon')
        .map((b) => b.template.components?.[0]?.parameters.map((p) => p.text));
    expect(params(wa.tanaka)).toEqual([['田中', 'TANAKA10']]);
    expect(params(sato)).toEqual([['佐藤', 'WELCOME']]);
    expect(params(wa.optedOut)).toEqual([]);
    const rows = await ledger(c.id);
    expect(rows.map((r) => r.contact_id).sort()).toEqual([contacts.tanaka, contacts.optedOut, satoId].sort());
    expect(rows.find((r) => r.contact_id === contacts.optedOut)).toMatchObject({ skip_reason: 'opted_out' });

    // Another workspace's import is not found; a plain import is not an audience; CSV variables need a CSV audience.
    const other = await createWorkspace(s.t.ctx.db, s.clock, { name: 'Other CSV' });
    const foreign = await upload(`phone\n+${sato}\n`, '?purpose=audience', {
      authorization: `Bearer ${other.apiKey}`,
    });
    const plain = await upload(`phone\n+${sato}\n`, '');
    const attempt = (audience: unknown, t: unknown = template) =>
      s.api<Err>('POST', '/api/v1/campaigns', {
        name: 'x',
        phoneNumberIds: [numberId],
        template: t,
        audience,
      });
    const refused = [
      await attempt({ importId: foreign }),
      await attempt({ importId: plain }),
      await attempt({ segmentId: everyone }),
    ];
    expect(refused.map((r) => [r.status, r.body.error.code])).toEqual([
      [404, 'not_found'],
      [422, 'audience_import_invalid'],
      [400, 'validation_failed'],
    ]);
  });

  it('an image header: the uploaded file goes to the sending number and into the header parameter', async () => {
    const form = new FormData();
    form.set('file', new Blob([Buffer.from('fake-jpeg-bytes')], { type: 'image/jpeg' }), 'spring.jpg');
    form.set('phoneNumberId', numberId);
    const up = await fetch(`${s.t.url}/api/v1/media`, { method: 'POST', headers: s.auth, body: form });
    expect(up.status).toBe(201);
    const mediaId = ((await up.json()) as { id: string }).id;
    const base = {
      template: { name: 'promo_image', language: 'ja' },
      audience: { contactIds: [contacts.tanaka] },
    };
    const missing = await s.api<Err>('POST', '/api/v1/campaigns', {
      name: 'x',
      phoneNumberIds: [numberId],
      ...base,
      template: { ...base.template, header: { type: 'image', mediaId: 'no-such-media' } },
    });
    expect(missing.status).toBe(404);
    const c = await create({
      ...base,
      template: { ...base.template, header: { type: 'video', mediaId } },
      exclusions: {},
    });
    const wrong = await act(c.id, 'launch');
    expect([wrong.status, wrong.body.error.code]).toEqual([422, 'template_header_mismatch']);
    const fixed = await s.api('PATCH', `/api/v1/campaigns/${c.id}`, {
      template: { ...base.template, header: { type: 'image', mediaId } },
    });
    expect(fixed.status).toBe(200);
    expect((await act(c.id, 'launch')).body.status).toBe('running');
    await advance(0);
    const upload = await s.t.ctx.db
      .selectFrom('media_number_uploads')
      .select('wa_media_id')
      .where('phone_number_id', '=', numberId)
      .executeTakeFirstOrThrow();
    const received = s.t
      .simulator!.sent({ to: wa.tanaka })
      .filter((r) => r.type === 'template')
      .map((r) => r.body as { template: { name: string; components?: unknown[] } })
      .filter((b) => b.template.name === 'promo_image');
    expect(received.map((b) => b.template.components)).toEqual([
      [{ type: 'header', parameters: [{ type: 'image', image: { id: upload.wa_media_id } }] }],
    ]);
    expect((await ledger(c.id)).map((r) => r.status)).not.toContain('failed');
  });

  it('prices are editable; another workspace gets 404 on every campaign route', async () => {
    const prices = await s.api<{ source: string }>('GET', '/api/v1/campaign-prices');
    expect(prices.body.source).toBe('default');
    const put = await s.api<{ source: string; prices: unknown[] }>('PUT', '/api/v1/campaign-prices', {
      prices: [{ category: 'MARKETING', country: '*', price: 0.5, currency: 'JPY' }],
    });
    expect(put.body).toMatchObject({ source: 'workspace', prices: [{ price: 0.5, currency: 'JPY' }] });

    const c = await create({ name: 'Mine' });
    const other = await createWorkspace(s.t.ctx.db, s.clock, { name: 'Other' });
    const h = { authorization: `Bearer ${other.apiKey}` };
    const base = `/api/v1/campaigns/${c.id}`;
    const calls: [string, string, unknown?][] = [
      ['GET', base],
      ['PATCH', base, { name: 'stolen' }],
      ['POST', `${base}/estimate`],
      ['POST', `${base}/launch`],
      ['POST', `${base}/approve`],
      ['POST', `${base}/pause`],
      ['POST', `${base}/resume`],
      ['POST', `${base}/cancel`],
      ['GET', `${base}/recipients`],
      ['DELETE', base],
    ];
    for (const [method, path, body] of calls)
      expect((await s.api(method, path, body, h)).status, `${method} ${path}`).toBe(404);
    // Nor can it build on this workspace's segment.
    const foreign = await s.api<Err>(
      'POST',
      '/api/v1/campaigns',
      {
        name: 'x',
        phoneNumberIds: [numberId],
        template: { name: 'spring_sale', language: 'ja' },
        audience: { segmentId: everyone },
      },
      h,
    );
    expect(foreign.status).toBe(422); // the number is not theirs either
    const bad = await s.api<Err>('POST', '/api/v1/campaigns', {
      name: 'x',
      phoneNumberIds: [numberId],
      template: { name: 'spring_sale', language: 'ja' },
      audience: { condition: 'contact.country = ' },
    });
    expect(bad.body.error.code).toBe('invalid_condition');
    // The campaign namespace of idempotency keys is not the API's to take.
    const forged = await s.api<Err>(
      'POST',
      '/api/v1/messages',
      {
        phoneNumberId: cloudNumberId,
        to: `+${wa.tanaka}`,
        type: 'template',
        template: { name: 'spring_sale', language: { code: 'ja' } },
      },
      { 'idempotency-key': `campaign:${c.id}:${contacts.tanaka}:0` },
    );
    expect(forged.status).toBe(400);
    const list = await s.api<{ data: unknown[] }>('GET', '/api/v1/campaigns', undefined, h);
    expect(list.body.data).toEqual([]);
    expect((await get(c.id)).status).toBe('draft');
    // Nothing this file sent broke a WhatsApp rule the simulator checks (window, opt-out, throughput, limits).
    expect(s.t.simulator!.violations()).toEqual([]);
  });
});
