import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactConsentView } from '../../src/contracts/consent.schemas.ts';
import type { MessageDto } from '../../src/contracts/api.schemas.ts';
import { handleConsentKeyword } from '../../src/server/modules/consent/consent-keywords.service.ts';
import { DEFAULT_CONSENT_SETTINGS } from '../../src/server/modules/consent/consent-keywords.rules.ts';
import { signBody } from '../../src/simulator/index.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

const WABA = '102290129340001';
const CUSTOMER = '819055550001';

describe('consent: keywords, WhatsApp preferences and the marketing gate, through the simulator', () => {
  let s: RunningTsunagi;
  let number: { id: string; phoneNumberId: string };
  let contactId: string;

  beforeAll(async () => {
    s = await startTestTsunagi();
    const sim = s.t.simulator!;
    sim.addTemplate(WABA, {
      name: 'summer_sale',
      language: 'ja',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: '夏のセール開催中！' }],
    });
    sim.addTemplate(WABA, {
      name: 'order_update',
      language: 'ja',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'ご注文を発送しました。' }],
    });
    number = await s.addNumber({ phoneNumberId: '100000000000701', wabaId: WABA });
    await s.t.drain(); // the registration's template sync
  });
  afterAll(async () => s?.close());

  /** The customer writes `text`; one drain later everything it caused is done. */
  const customerSays = async (text: string) => {
    const { wamid } = s.t.simulator!.inbound({
      phoneNumberId: number.phoneNumberId,
      from: CUSTOMER,
      name: '佐藤 花子',
      message: { type: 'text', text: { body: text } },
    });
    await s.t.drain();
    const row = await s.t.ctx.db
      .selectFrom('messages')
      .select(['id', 'contact_id'])
      .where('wamid', '=', wamid)
      .executeTakeFirstOrThrow();
    contactId = row.contact_id;
    return row.id;
  };
  const consent = async () =>
    (await s.api<ContactConsentView>('GET', `/api/v1/contacts/${contactId}/consent`)).body;
  const marketing = async () => (await consent()).consents.find((c) => c.purpose === 'marketing')!.state;
  const textsSent = () =>
    s.t
      .simulator!.sent({ phoneNumberId: number.phoneNumberId, to: CUSTOMER })
      .filter((r) => (r.body as { type?: string }).type === 'text')
      .map((r) => (r.body as { text: { body: string } }).text.body);
  const sendTemplate = (name: string) =>
    s.api<MessageDto & { error?: { code: string; details: Record<string, unknown> } }>(
      'POST',
      '/api/v1/messages',
      {
        phoneNumberId: number.phoneNumberId,
        to: `+${CUSTOMER}`,
        type: 'template',
        template: { name, language: { code: 'ja' } },
      },
    );

  it('caches the WABA’s templates when the number is registered', async () => {
    const rows = await s.t.ctx.db
      .selectFrom('message_templates')
      .select(['name', 'language', 'category', 'status'])
      .where('waba_id', '=', WABA)
      .orderBy('name')
      .execute();
    expect(rows).toEqual([
      { name: 'hello_world', language: 'en_US', category: 'UTILITY', status: 'APPROVED' },
      { name: 'order_update', language: 'ja', category: 'UTILITY', status: 'APPROVED' },
      { name: 'summer_sale', language: 'ja', category: 'MARKETING', status: 'APPROVED' },
    ]);
  });

  it('「配信停止」 opts the contact out in one drain, with the message as evidence, and is answered once even when redelivered', async () => {
    s.t.simulator!.setFaults({ duplicateWebhookRate: 1 });
    const messageId = await customerSays('配信停止');
    s.t.simulator!.resetFaults();
    expect(s.t.simulator!.webhookStats().duplicates).toBeGreaterThan(0);

    const view = await consent();
    expect(view.consents).toEqual([
      { purpose: 'marketing', state: 'opted_out', source: 'keyword', changedAt: expect.any(String) },
      { purpose: 'utility', state: 'unknown', source: null, changedAt: null },
    ]);
    expect(view.history).toHaveLength(1);
    expect(view.history[0]).toMatchObject({
      purpose: 'marketing',
      state: 'opted_out',
      previousState: 'unknown',
      source: 'keyword',
      actor: { type: 'customer', id: contactId },
      messageId,
      evidence: { messageId, text: '配信停止', keyword: '配信停止' },
    });
    expect(textsSent()).toEqual([DEFAULT_CONSENT_SETTINGS.confirmations.ja!.optOut]);

    // The job run again (a crash before its commit): nothing recorded, nothing answered twice.
    expect(await handleConsentKeyword({ db: s.t.ctx.db, clock: s.clock }, messageId)).toBe(
      'already_recorded',
    );
    await s.t.drain();
    expect(textsSent()).toHaveLength(1);
    expect((await consent()).history).toHaveLength(1);
    const contact = await s.api<{ consentState: string }>('GET', `/api/v1/contacts/${contactId}`);
    expect(contact.body.consentState).toBe('opted_out');
  });

  it('refuses a marketing template (and an unknown one) to the opted-out contact; utility templates and in-window text go', async () => {
    const marketingSend = await sendTemplate('summer_sale');
    expect(marketingSend.status).toBe(422);
    expect(marketingSend.body.error).toMatchObject({
      code: 'contact_opted_out',
      details: {
        purpose: 'marketing',
        template: 'summer_sale',
        category: 'MARKETING',
        reason: 'marketing_template',
      },
    });
    const unknown = await sendTemplate('not_synced_yet');
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({
      code: 'contact_opted_out',
      details: { reason: 'unknown_template' },
    });

    const utility = await sendTemplate('order_update');
    expect(utility.status).toBe(202);
    const text = await s.api<MessageDto>('POST', '/api/v1/messages', {
      phoneNumberId: number.phoneNumberId,
      to: `+${CUSTOMER}`,
      type: 'text',
      text: { body: 'ご連絡ありがとうございます。' },
    });
    expect(text.status).toBe(202);
    await s.t.drain();
    const sentTemplates = s.t
      .simulator!.sent({ phoneNumberId: number.phoneNumberId, to: CUSTOMER })
      .map((r) => (r.body as { template?: { name: string } }).template?.name)
      .filter(Boolean);
    expect(sentTemplates).toEqual(['order_update']);
  });

  it('「配信再開」 opts back in and marketing templates go again', async () => {
    await customerSays('配信再開');
    expect(await marketing()).toBe('opted_in');
    expect(textsSent().at(-1)).toBe(DEFAULT_CONSENT_SETTINGS.confirmations.ja!.optIn);
    expect((await sendTemplate('summer_sale')).status).toBe(202);
  });

  it('matches ＳＴＯＰ (full width) and "stop ", not "please stop spamming"; answers in English', async () => {
    await customerSays('ＳＴＯＰ');
    expect(await marketing()).toBe('opted_out');
    expect(textsSent().at(-1)).toBe(DEFAULT_CONSENT_SETTINGS.confirmations.en!.optOut);
    await customerSays('START');
    expect(await marketing()).toBe('opted_in');
    await customerSays('stop ');
    expect(await marketing()).toBe('opted_out');
    const before = (await consent()).history.length;
    const answers = textsSent().length;
    await customerSays('please stop spamming');
    expect(await marketing()).toBe('opted_out');
    expect((await consent()).history).toHaveLength(before);
    expect(textsSent()).toHaveLength(answers);
  });

  it('records the WhatsApp client’s marketing stop/resume (user_preferences) with source whatsapp_preferences, once', async () => {
    await s.api('POST', `/api/v1/contacts/${contactId}/consent`, { purpose: 'marketing', state: 'opted_in' });
    s.t.simulator!.setFaults({ duplicateWebhookRate: 1 });
    s.t.simulator!.optOut({ phoneNumberId: number.phoneNumberId, waId: CUSTOMER, value: 'stop' });
    await s.t.drain();
    s.t.simulator!.resetFaults();
    const view = await consent();
    expect(view.consents[0]).toMatchObject({ state: 'opted_out', source: 'whatsapp_preferences' });
    expect(view.history.filter((h) => h.source === 'whatsapp_preferences')).toHaveLength(1);
    expect(view.history[0]).toMatchObject({
      source: 'whatsapp_preferences',
      previousState: 'opted_in',
      evidence: { wa_id: CUSTOMER, value: 'stop' },
    });
    const dead = await s.t.ctx.db.selectFrom('dead_letters').select('reason').execute();
    expect(dead).toEqual([]);
    s.t.simulator!.optOut({ phoneNumberId: number.phoneNumberId, waId: CUSTOMER, value: 'resume' });
    await s.t.drain();
    expect(await marketing()).toBe('opted_in');
  });

  it('applies template webhooks to the cache instead of dead-lettering them', async () => {
    s.t.simulator!.setTemplateStatus(WABA, 'summer_sale', 'ja', 'PAUSED');
    await s.t.drain();
    const row = await s.t.ctx.db
      .selectFrom('message_templates')
      .select(['status', 'category'])
      .where('waba_id', '=', WABA)
      .where('name', '=', 'summer_sale')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'PAUSED', category: 'MARKETING' });
    expect(await s.t.ctx.db.selectFrom('dead_letters').select('reason').execute()).toEqual([]);
  });

  it('records API changes with source api and the key as actor; validates and 404s', async () => {
    const res = await s.api<ContactConsentView>('POST', `/api/v1/contacts/${contactId}/consent`, {
      purpose: 'utility',
      state: 'opted_in',
      evidence: { form: 'checkout', page: '/cart' },
    });
    expect(res.status).toBe(200);
    expect(res.body.consents[1]).toMatchObject({ purpose: 'utility', state: 'opted_in', source: 'api' });
    expect(res.body.history[0]).toMatchObject({
      source: 'api',
      actor: { type: 'api_key' },
      evidence: { form: 'checkout', page: '/cart' },
    });
    const bad = await s.api<{ error: { code: string } }>('POST', `/api/v1/contacts/${contactId}/consent`, {
      purpose: 'sms',
      state: 'opted_in',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const missing = await s.api<{ error: { code: string } }>(
      'GET',
      '/api/v1/contacts/00000000-0000-7000-8000-000000000000/consent',
    );
    expect(missing.status).toBe(404);
  });

  it('records a consentState given to the contacts API in the history (marketing, source api)', async () => {
    const patched = await s.api('PATCH', `/api/v1/contacts/${contactId}`, { consentState: 'opted_in' });
    expect(patched.status).toBe(200);
    const view = await consent();
    expect(view.history[0]).toMatchObject({ purpose: 'marketing', state: 'opted_in', source: 'api' });
    const created = await s.api<{ id: string }>('POST', '/api/v1/contacts', {
      phone: '+819055550099',
      consentState: 'opted_out',
    });
    expect(created.status).toBe(201);
    const other = await s.api<ContactConsentView>('GET', `/api/v1/contacts/${created.body.id}/consent`);
    expect(other.body.consents[0]).toMatchObject({ state: 'opted_out', source: 'api' });
    expect(other.body.history).toHaveLength(1);
  });

  it('serves ja/en default settings and uses the workspace’s own keywords once saved', async () => {
    const defaults = await s.api('GET', '/api/v1/consent/settings');
    expect(defaults.body).toEqual(DEFAULT_CONSENT_SETTINGS);
    const bad = await s.api<{ error: { code: string } }>('PUT', '/api/v1/consent/settings', {
      ...DEFAULT_CONSENT_SETTINGS,
      defaultLanguage: 'fr',
    });
    expect(bad.status).toBe(400);
    const saved = await s.api('PUT', '/api/v1/consent/settings', {
      ...DEFAULT_CONSENT_SETTINGS,
      optOutKeywords: ['やめる'],
      optInKeywords: ['はじめる'],
    });
    expect(saved.status).toBe(200);
    await customerSays('はじめる');
    expect(await marketing()).toBe('opted_in');
    await customerSays('STOP');
    expect(await marketing()).toBe('opted_in');
    await customerSays(' やめる ');
    expect(await marketing()).toBe('opted_out');
  });

  it('keeps automation silent on a keyword: a STOP gets the confirmation only, never a rule or fallback answer too', async () => {
    const saved = await s.api('PUT', '/api/v1/automation', {
      config: {
        replyDelayMs: { min: 0, max: 0 },
        keywordRules: [
          {
            id: 'yameru',
            name: 'やめる',
            triggers: [{ mode: 'contains', keywords: ['やめる'] }],
            response: { type: 'text', text: { body: '自動応答です。' } },
          },
        ],
      },
    });
    expect(saved.status).toBe(200);
    const keywords = await s.api('PUT', '/api/v1/consent/settings', {
      ...DEFAULT_CONSENT_SETTINGS,
      optOutKeywords: ['やめる'],
      optInKeywords: ['はじめる'],
    });
    expect(keywords.status).toBe(200);
    await customerSays('はじめる');
    s.clock.advance(60_000);
    await s.t.drain();
    const before = textsSent().length;
    await customerSays('やめる');
    s.clock.advance(60_000);
    await s.t.drain();
    expect(await marketing()).toBe('opted_out');
    expect(textsSent().slice(before)).toEqual([DEFAULT_CONSENT_SETTINGS.confirmations.ja!.optOut]);
    // The same rule answers a message that is not exactly the keyword: automation is on.
    await customerSays('やめるにはどうすれば？');
    s.clock.advance(60_000);
    await s.t.drain();
    expect(textsSent().slice(before + 1)).toEqual(['自動応答です。']);
  });

  it('applies a template_category_update at once (a recategorised template is gated), and the full sync follows', async () => {
    expect(await marketing()).toBe('opted_out');
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA,
          time: Math.floor(s.clock.nowMs() / 1000),
          changes: [
            {
              field: 'template_category_update',
              value: {
                message_template_id: 1234567890,
                message_template_name: 'order_update',
                message_template_language: 'ja',
                previous_category: 'UTILITY',
                new_category: 'MARKETING',
              },
            },
          ],
        },
      ],
    });
    const res = await fetch(`${s.t.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signBody(s.t.ctx.appSecret!, body),
      },
      body,
    });
    expect(res.status).toBe(200);
    await s.t.ingestor.drain(); // the webhook only: the sync it requests has not run yet
    const refused = await sendTemplate('order_update');
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'contact_opted_out',
      details: { category: 'MARKETING' },
    });
    expect(await s.t.ctx.db.selectFrom('dead_letters').select('reason').execute()).toEqual([]);
    await s.t.drain(); // the sync: the simulator still lists it as UTILITY
    expect((await sendTemplate('order_update')).status).toBe(202);
  });

  it('refreshes every WABA’s templates on the hourly schedule', async () => {
    s.t.simulator!.addTemplate(WABA, {
      name: 'winter_sale',
      language: 'ja',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: '冬のセール！' }],
    });
    await s.t.scheduler.tick();
    s.clock.advance(60 * 60 * 1000);
    await s.t.scheduler.tick();
    await s.t.drain();
    const row = await s.t.ctx.db
      .selectFrom('message_templates')
      .select('category')
      .where('waba_id', '=', WABA)
      .where('name', '=', 'winter_sale')
      .executeTakeFirst();
    expect(row).toEqual({ category: 'MARKETING' });
    expect((await sendTemplate('winter_sale')).body.error?.code).toBe('contact_opted_out');
  });

  it('records imported consent as history, a batch at a time: each row an entry chained to the one before', async () => {
    const csv =
      'phone,name,consent\r\n' +
      '+819077770001,輸入 一郎,opted_in\r\n' +
      '+819077770002,輸入 二郎,opted_in\r\n' +
      '+819077770001,輸入 一郎,opted_out\r\n' + // the same contact again in the same batch
      `+${CUSTOMER},佐藤 花子,opted_in\r\n`; // a contact with a history already
    const before = (await consent()).history.length;
    const previousOfCustomer = await marketing();
    const res = await fetch(`${s.t.url}/api/v1/contacts/imports`, {
      method: 'POST',
      headers: { ...s.auth, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await s.t.drain();
    expect((await s.api<{ status: string }>('GET', `/api/v1/contacts/imports/${id}`)).body.status).toBe(
      'done',
    );

    const ids = await s.t.ctx.db
      .selectFrom('contacts')
      .select(['id', 'wa_id', 'consent_state'])
      .where('wa_id', 'in', ['819077770001', '819077770002'])
      .orderBy('wa_id')
      .execute();
    expect(ids.map((c) => c.consent_state)).toEqual(['opted_out', 'opted_in']);
    const view = (await s.api<ContactConsentView>('GET', `/api/v1/contacts/${ids[0]!.id}/consent`)).body;
    expect(view.consents.find((c) => c.purpose === 'marketing')).toMatchObject({
      state: 'opted_out',
      source: 'import',
    });
    expect(
      view.history.map((h) => [h.previousState, h.state, h.source, (h.evidence as { row?: number }).row]),
    ).toEqual(
      expect.arrayContaining([
        ['unknown', 'opted_in', 'import', 2],
        ['opted_in', 'opted_out', 'import', 4],
      ]),
    );
    expect(view.history).toHaveLength(2);
    const customer = await consent();
    expect(customer.history).toHaveLength(before + 1);
    expect(customer.history[0]).toMatchObject({
      previousState: previousOfCustomer,
      state: 'opted_in',
      source: 'import',
    });
    expect(await marketing()).toBe('opted_in');
  });
});
