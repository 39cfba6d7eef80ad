import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignDto, CampaignFunnelDto, ConversionDto } from '../../src/contracts/campaign.schemas.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { seedApiKey, seedMember } from '../support/app.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

const WABA = '102290129343001';
const DAY = 86_400_000;
const BROWSER = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';
type Err = { error: { code: string } };

/**
 * Click redirects and conversions of a campaign, over real HTTP with the simulator, on a fake clock that starts
 * Monday 2026-03-02 01:00Z (10:00 in Tokyo).
 */
describe('campaign clicks and conversions', () => {
  let s: RunningTsunagi;
  let numberId: string;
  let cloudNumberId: string;
  let campaign: CampaignDto;
  const contacts: Record<string, string> = {};
  const wa = { tanaka: '819033330001', john: '12125550111' };

  const ledger = async (contactId: string) =>
    s.t.ctx.db
      .selectFrom('campaign_recipients')
      .selectAll()
      .where('campaign_id', '=', campaign.id)
      .where('contact_id', '=', contactId)
      .executeTakeFirstOrThrow();
  /** The template sends the simulator accepted for a customer. */
  const sentTo = (to: string) =>
    s.t
      .simulator!.sent({ to })
      .filter((r) => r.phoneNumberId === cloudNumberId && r.type === 'template')
      .map(
        (r) =>
          r.body as {
            template: {
              components: { type: string; index?: string; parameters: { text: string }[] }[];
            };
          },
      );
  /** The link code and body link a recipient got. */
  const linksOf = (to: string) => {
    const [body] = sentTo(to);
    const components = body?.template.components ?? [];
    return {
      bodyLink: components.find((c) => c.type === 'body')?.parameters[0]?.text ?? '',
      buttonCode: components.find((c) => c.type === 'button')?.parameters[0]?.text ?? '',
    };
  };
  const follow = (path: string, init: { method?: string; ua?: string } = {}) =>
    fetch(s.t.url + path, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: init.ua === undefined ? {} : { 'user-agent': init.ua },
    });
  const advance = async (ms: number) => {
    s.clock.advance(ms);
    await s.t.scheduler.tick();
    await s.t.drain();
    await s.t.simulator!.flush();
    await s.t.drain();
  };
  const convert = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    s.api<ConversionDto & Err>('POST', '/api/v1/conversions', body, headers);

  beforeAll(async () => {
    s = await startTestTsunagi();
    s.t.simulator!.addTemplate(WABA, {
      name: 'spring_links',
      language: 'ja',
      category: 'MARKETING',
      components: [
        {
          type: 'BODY',
          text: '春のセール {{1}} をご覧ください。',
          example: { body_text: [['https://example.com']] },
        },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'URL', text: 'カートを見る', url: `${s.t.url}/r/{{1}}`, example: [`${s.t.url}/r/abc`] },
          ],
        },
      ],
    });
    const number = await s.addNumber({ wabaId: WABA });
    numberId = number.id;
    cloudNumberId = number.phoneNumberId;
    for (const [key, name] of [
      ['tanaka', '田中'],
      ['john', 'John'],
    ] as const) {
      const res = await s.api<{ id: string }>('POST', '/api/v1/contacts', {
        phone: `+${wa[key]}`,
        name,
        consentState: 'opted_in',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      contacts[key] = res.body.id;
    }
    await s.t.drain();
  });
  afterAll(async () => s?.close());

  const draft = (template: Record<string, unknown>) =>
    s.api<CampaignDto & Err>('POST', '/api/v1/campaigns', {
      name: 'Spring links',
      phoneNumberIds: [numberId],
      template: { name: 'spring_links', language: 'ja', ...template },
      audience: { contactIds: [contacts.tanaka, contacts.john] },
    });

  it('refuses destinations that are not http(s) when the campaign is saved', async () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,hi', 'ftp://example.com/x', '/relative']) {
      const res = await draft({
        variables: [{ source: { kind: 'link', url }, fallback: 'x' }],
        buttons: [{ index: 0, url: 'https://shop.example/cart' }],
      });
      expect(res.status, url).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it('refuses to launch when a URL button with a variable has no tracked destination', async () => {
    const res = await draft({ variables: [{ source: { kind: 'literal', value: 'x' }, fallback: 'x' }] });
    expect(res.status).toBe(201);
    const launch = await s.api<Err>('POST', `/api/v1/campaigns/${res.body.id}/launch`);
    expect(launch.status).toBe(422);
    expect(launch.body.error.code).toBe('template_variables_mismatch');
  });

  it('gives each recipient its own unguessable links, and counts a person’s click but not a preview’s', async () => {
    const created = await draft({
      variables: [{ source: { kind: 'link', url: 'https://shop.example/sale?utm=wa' }, fallback: '-' }],
      buttons: [{ index: 0, url: 'https://shop.example/cart' }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    campaign = created.body;
    const launched = await s.api<CampaignDto>('POST', `/api/v1/campaigns/${campaign.id}/launch`);
    expect(launched.status, JSON.stringify(launched.body)).toBe(200);
    await advance(0);
    await advance(3000); // sent, delivered after 1 s, read after 2 s

    const tanaka = linksOf(wa.tanaka);
    const john = linksOf(wa.john);
    expect(tanaka.buttonCode).toMatch(/^[A-Za-z0-9_-]{22}$/); // 128 bits
    expect(tanaka.bodyLink).toMatch(new RegExp(`^${s.t.url}/r/[A-Za-z0-9_-]{22}$`));
    const codes = [
      tanaka.buttonCode,
      tanaka.bodyLink.split('/r/')[1],
      john.buttonCode,
      john.bodyLink.split('/r/')[1],
    ];
    expect(new Set(codes).size).toBe(4);

    // WhatsApp's link preview and a HEAD request are redirected but not counted.
    for (const init of [
      { ua: 'WhatsApp/2.24.6.77 A' },
      { ua: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)' },
      { ua: '' },
      { method: 'HEAD', ua: BROWSER },
    ]) {
      const res = await follow(`/r/${tanaka.buttonCode}`, init);
      expect(res.status, JSON.stringify(init)).toBe(302);
      expect(res.headers.get('location')).toBe('https://shop.example/cart');
    }
    expect((await ledger(contacts.tanaka!)).clicked_at).toBeNull();

    s.clock.advance(60_000);
    const clickedAt = s.clock.now();
    const click = await follow(`/r/${tanaka.buttonCode}`, { ua: BROWSER });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://shop.example/cart');
    expect(click.headers.get('cache-control')).toBe('no-store');
    const body = await follow(`/r/${tanaka.bodyLink.split('/r/')[1]}`, { ua: BROWSER });
    expect(body.headers.get('location')).toBe('https://shop.example/sale?utm=wa');
    expect((await ledger(contacts.tanaka!)).clicked_at).toEqual(clickedAt);
    const clicks = await s.t.ctx.db
      .selectFrom('campaign_clicks')
      .select(['contact_id', 'code'])
      .where('campaign_id', '=', campaign.id)
      .execute();
    expect(clicks).toHaveLength(2);
    const live = await s.api<CampaignDto>('GET', `/api/v1/campaigns/${campaign.id}`);
    expect(live.body.counters).toMatchObject({ clicked: 1, converted: 0, read: 2 });
  });

  it('answers an unknown or malformed code with the same bare 404 page', async () => {
    const pages = [];
    for (const code of ['AAAAAAAAAAAAAAAAAAAAAA', 'short', '%2e%2e%2fapi', 'x'.repeat(90)]) {
      const res = await follow(`/r/${code}`, { ua: BROWSER });
      expect(res.status, code).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      pages.push(await res.text());
    }
    expect(new Set(pages).size).toBe(1);
    expect(pages[0]).not.toMatch(/campaign|workspace|code/i);
  });

  it('attributes a conversion to the campaign last read or clicked within the window, once per externalId', async () => {
    const tanakaClick = (await ledger(contacts.tanaka!)).clicked_at as Date;
    const johnRead = (await ledger(contacts.john!)).read_at as Date;
    expect(johnRead).not.toBeNull();
    s.clock.set(new Date(johnRead.getTime() + 8 * DAY).toISOString());

    // John read it (no click): attributed up to exactly 7 days after the read, not a millisecond later.
    const edge = await convert({
      phone: `+${wa.john}`,
      value: 4200,
      currency: 'JPY',
      at: new Date(johnRead.getTime() + 7 * DAY).toISOString(),
      externalId: 'order-1',
    });
    expect(edge.status, JSON.stringify(edge.body)).toBe(201);
    expect(edge.body).toMatchObject({
      campaignId: campaign.id,
      attributedBy: 'read',
      value: 4200,
      currency: 'JPY',
    });
    expect(edge.body.touchedAt).toBe(johnRead.toISOString());
    const late = await convert({
      contactId: contacts.john,
      value: 100,
      currency: 'JPY',
      at: new Date(johnRead.getTime() + 7 * DAY + 1).toISOString(),
    });
    expect(late.status).toBe(201);
    expect(late.body).toMatchObject({ campaignId: null, attributedBy: null });
    // Before the read, the campaign had not reached him yet.
    const early = await convert({
      contactId: contacts.john,
      value: 100,
      currency: 'JPY',
      at: new Date(johnRead.getTime() - 1).toISOString(),
    });
    expect(early.body.campaignId).toBeNull();

    // Tanaka clicked after reading: the click is the last touch.
    const byClick = await convert({
      contactId: contacts.tanaka,
      value: 3000,
      currency: 'JPY',
      at: new Date(tanakaClick.getTime() + DAY).toISOString(),
      externalId: 'order-2',
    });
    expect(byClick.body).toMatchObject({ campaignId: campaign.id, attributedBy: 'clicked' });
    expect(byClick.body.touchedAt).toBe(tanakaClick.toISOString());

    // The same order reported again: the first result, nothing counted twice.
    const again = await convert({
      contactId: contacts.tanaka,
      value: 9999,
      currency: 'JPY',
      externalId: 'order-2',
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(byClick.body);
    const rows = await s.t.ctx.db
      .selectFrom('campaign_conversions')
      .select(['external_id', 'campaign_id'])
      .where('external_id', 'in', ['order-1', 'order-2'])
      .execute();
    expect(rows).toHaveLength(2);

    // The window is a workspace setting.
    const put = await s.api('PUT', '/api/v1/campaign-settings', {
      attributionDays: 1,
      marginRate: null,
      cpaAlertShare: 0.5,
    });
    expect(put.status).toBe(200);
    const short = await convert({
      contactId: contacts.john,
      value: 1,
      currency: 'JPY',
      at: new Date(johnRead.getTime() + DAY + 1).toISOString(),
    });
    expect(short.body.campaignId).toBeNull();
    await s.api('PUT', '/api/v1/campaign-settings', {
      attributionDays: 7,
      marginRate: null,
      cpaAlertShare: 0.5,
    });

    // A time in the future is refused; unknown contacts are 404.
    const future = await convert({
      contactId: contacts.john,
      value: 1,
      currency: 'JPY',
      at: new Date(s.clock.now().getTime() + DAY).toISOString(),
    });
    expect(future.status).toBe(400);
    expect((await convert({ phone: '+819099999999', value: 1, currency: 'JPY' })).status).toBe(404);
    expect((await convert({ value: 1, currency: 'JPY' })).status).toBe(400);

    const live = await s.api<CampaignDto>('GET', `/api/v1/campaigns/${campaign.id}`);
    expect(live.body.counters).toMatchObject({ clicked: 1, converted: 2 });
  });

  it('lets API keys that may send and owners and admins report conversions, not console agents or analysts', async () => {
    for (const role of ['agent', 'analyst'] as const) {
      const key = await seedApiKey(s.t.ctx, s.workspaceId, role);
      // An API key reports for its integration whatever its role, if it may send (agent); analysts only read.
      const res = await convert({ contactId: contacts.john, value: 1, currency: 'JPY' }, key);
      expect(res.status, role).toBe(role === 'agent' ? 201 : 403);
    }
    // In the console: owners and admins, not agents.
    for (const role of ['admin', 'agent'] as const) {
      const userId = await seedMember(s.t.ctx, s.workspaceId, role);
      const login = await fetch(`${s.t.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${userId}@example.test`, password: 'x' }),
      });
      expect(login.status).toBe(200);
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const cookie = String(login.headers.get('set-cookie')).split(';')[0] as string;
      const res = await fetch(`${s.t.url}/api/v1/conversions`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify({ contactId: contacts.john, value: 1, currency: 'JPY' }),
      });
      expect(res.status, role).toBe(role === 'admin' ? 201 : 403);
    }
  });

  it('keeps other workspaces out', async () => {
    const other = await createWorkspace(s.t.ctx.db, s.clock, { name: 'Other shop' });
    const auth = { authorization: `Bearer ${other.apiKey}` };
    const funnel = await s.api<Err>('GET', `/api/v1/campaigns/${campaign.id}/funnel`, undefined, auth);
    expect(funnel.status).toBe(404);
    const conversion = await convert({ contactId: contacts.tanaka, value: 1, currency: 'JPY' }, auth);
    expect(conversion.status).toBe(404);
    const byPhone = await convert(
      { phone: `+${wa.tanaka}`, value: 1, currency: 'JPY', externalId: 'order-2' },
      auth,
    );
    expect(byPhone.status).toBe(404); // the other workspace's order-2 is not this one's
  });

  it('computes the funnel, revenue, cost, CPA and the alert from a hand-built history', async () => {
    // Seven contacts, a draft campaign, and its ledger written out by hand:
    //   r1 JP  read, clicked, replied, converted 3000 JPY
    //   r2 JP  read, converted 20 USD
    //   r3 US  delivered
    //   r4 US  replied with read receipts off (no read_at): counts as read
    //   r5 JP  sent
    //   r6 JP  failed before delivery
    //   r7     skipped (opted out)
    // funnel: sent 5 (r1–r5), delivered 4 (r1–r4), read 3 (r1, r2, r4), clicked 1, replied 2, converted 2
    // cost: delivered JP 2 × 15 + US 2 × 5 = 40 JPY; CPA 40 / 2 = 20 JPY
    const ids: string[] = [];
    for (let i = 1; i <= 7; i++) {
      const res = await s.api<{ id: string }>('POST', '/api/v1/contacts', {
        phone: i === 3 || i === 4 ? `+1212555011${i}` : `+81903333010${i}`,
      });
      ids.push(res.body.id);
    }
    const c = await s.api<CampaignDto>('POST', '/api/v1/campaigns', {
      name: 'Hand-built',
      phoneNumberIds: [numberId],
      template: {
        name: 'spring_links',
        language: 'ja',
        variables: [{ source: { kind: 'link', url: 'https://shop.example/' }, fallback: '-' }],
        buttons: [{ index: 0, url: 'https://shop.example/cart' }],
      },
      audience: { contactIds: ids },
    });
    const t = (m: number) => new Date(Date.parse('2026-03-01T00:00:00Z') + m * 60_000);
    const now = s.clock.now();
    const row = (i: number, v: Record<string, unknown>) => ({
      workspace_id: s.workspaceId,
      campaign_id: c.body.id,
      contact_id: ids[i - 1] as string,
      country: i === 3 || i === 4 ? 'US' : 'JP',
      created_at: now,
      updated_at: now,
      status: 'queued' as const,
      queued_at: t(0),
      ...v,
    });
    await s.t.ctx.db
      .insertInto('campaign_recipients')
      .values([
        row(1, {
          status: 'replied',
          sent_at: t(1),
          delivered_at: t(2),
          read_at: t(3),
          clicked_at: t(4),
          replied_at: t(5),
          converted_at: t(6),
        }),
        row(2, { status: 'read', sent_at: t(1), delivered_at: t(2), read_at: t(3), converted_at: t(7) }),
        row(3, { status: 'delivered', sent_at: t(1), delivered_at: t(2) }),
        row(4, { status: 'replied', sent_at: t(1), delivered_at: t(2), replied_at: t(5) }),
        row(5, { status: 'sent', sent_at: t(1) }),
        row(6, { status: 'failed', failed_at: t(1), error_code: 131026 }),
        row(7, { status: 'skipped', skip_reason: 'opted_out', queued_at: null }),
      ])
      .execute();
    await s.t.ctx.db
      .insertInto('campaign_conversions')
      .values([
        {
          id: crypto.randomUUID(),
          workspace_id: s.workspaceId,
          contact_id: ids[0] as string,
          campaign_id: c.body.id,
          external_id: null,
          value: '3000',
          currency: 'JPY',
          occurred_at: t(6),
          created_at: now,
        },
        {
          id: crypto.randomUUID(),
          workspace_id: s.workspaceId,
          contact_id: ids[1] as string,
          campaign_id: c.body.id,
          external_id: null,
          value: '20',
          currency: 'USD',
          occurred_at: t(7),
          created_at: now,
        },
      ])
      .execute();
    await s.api('PUT', '/api/v1/campaign-prices', {
      prices: [
        { category: 'MARKETING', country: 'JP', price: 15, currency: 'JPY' },
        { category: 'MARKETING', country: 'US', price: 5, currency: 'JPY' },
        { category: 'MARKETING', country: '*', price: 10, currency: 'JPY' },
      ],
    });
    // Margin 30 % of 3000 JPY per JPY conversion = 900; alert above half of it (450): CPA 20 is fine.
    await s.api('PUT', '/api/v1/campaign-settings', {
      attributionDays: 7,
      marginRate: 0.3,
      cpaAlertShare: 0.5,
    });
    const f = await s.api<CampaignFunnelDto>('GET', `/api/v1/campaigns/${c.body.id}/funnel`);
    expect(f.status, JSON.stringify(f.body)).toBe(200);
    expect(f.body).toEqual({
      campaignId: c.body.id,
      funnel: { sent: 5, delivered: 4, read: 3, clicked: 1, replied: 2, converted: 2 },
      revenue: [
        { currency: 'JPY', amount: 3000, conversions: 1 },
        { currency: 'USD', amount: 20, conversions: 1 },
      ],
      cost: { total: 40, currency: 'JPY', category: 'MARKETING' },
      costPerAcquisition: 20,
      alert: { cpaAboveThreshold: false, threshold: 450, reason: null },
    });
    // A 1 % margin: 30 JPY per conversion, half of it 15 < CPA 20 → alert.
    await s.api('PUT', '/api/v1/campaign-settings', {
      attributionDays: 7,
      marginRate: 0.01,
      cpaAlertShare: 0.5,
    });
    const alert = await s.api<CampaignFunnelDto>('GET', `/api/v1/campaigns/${c.body.id}/funnel`);
    expect(alert.body.alert).toEqual({ cpaAboveThreshold: true, threshold: 15, reason: null });
    const counters = (await s.api<CampaignDto>('GET', `/api/v1/campaigns/${c.body.id}`)).body.counters;
    expect(counters).toMatchObject({ clicked: 1, converted: 2 });
  });

  it('rate-limits the redirect per client address', async () => {
    s.clock.advance(120_000); // a fresh window
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++)
      statuses.push((await follow('/r/AAAAAAAAAAAAAAAAAAAAAA', { ua: BROWSER })).status);
    expect(statuses.slice(0, 60).every((x) => x === 404)).toBe(true);
    expect(statuses[60]).toBe(429);
    s.clock.advance(60_000);
    expect((await follow('/r/AAAAAAAAAAAAAAAAAAAAAA', { ua: BROWSER })).status).toBe(404);
  });
});
