import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  MessageDto,
  PhoneNumberDto,
  TestMessageResultDto,
  WebhookSubscriptionDto,
  WhatsAppSetupDto,
} from '../../src/contracts/api.schemas.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

/** Connecting a real number step by step, against the built-in simulator over real HTTP. */
describe('connecting a number: webhook settings, subscription, test message, health', () => {
  let s: RunningTsunagi;
  beforeAll(async () => {
    s = await startTestTsunagi();
  });
  afterAll(async () => s?.close());

  const numberOf = async (id: string) =>
    (await s.api<PhoneNumberDto>('GET', `/api/v1/phone-numbers/${id}`)).body;

  it("shows the webhook URL and a verify token that passes Meta's check", async () => {
    const res = await s.api<WhatsAppSetupDto>('GET', '/api/v1/whatsapp/setup');
    expect(res.status).toBe(200);
    expect(res.body.webhookUrl).toBe(`${s.t.url}/webhooks/whatsapp`);
    expect(res.body).toMatchObject({ simulator: true, appSecretConfigured: true, webhookUrlPublic: false });
    const token = res.body.verifyToken!;
    expect(token.length).toBeGreaterThan(8);
    const check = await fetch(
      `${res.body.webhookUrl}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=4242`,
    );
    expect(check.status).toBe(200);
    expect(await check.text()).toBe('4242');
  });

  it('subscribes the app to the WABA webhooks and records it', async () => {
    const number = await s.addNumber();
    expect((await numberOf(number.id)).webhooksSubscribedAt).toBeNull();
    const res = await s.api<WebhookSubscriptionDto>('POST', `/api/v1/phone-numbers/${number.id}/subscribe`);
    expect(res.status).toBe(200);
    expect(res.body.subscribed).toBe(true);
    expect(res.body.apps.length).toBe(1);
    expect(res.body.number.webhooksSubscribedAt).toBe(s.clock.now().toISOString());
    const missing = await s.api(
      'POST',
      `/api/v1/phone-numbers/0190f000-0000-7000-8000-000000000000/subscribe`,
    );
    expect(missing.status).toBe(404);
  });

  it('sends a test template through the normal send path', async () => {
    const number = await s.addNumber();
    const res = await s.api<TestMessageResultDto>('POST', `/api/v1/phone-numbers/${number.id}/test-message`, {
      to: '+81 90-5555-0101',
    });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('queued');
    await s.t.drain();
    const sent = s.t.simulator!.sent({ phoneNumberId: number.phoneNumberId });
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0])).toContain('hello_world');
    const message = await s.api<MessageDto>('GET', `/api/v1/messages/${res.body.messageId}`);
    expect(['sent', 'accepted', 'delivered']).toContain(message.body.status);
    const bad = await s.api<{ error: { code: string } }>(
      'POST',
      `/api/v1/phone-numbers/${number.id}/test-message`,
      { to: 'x' },
    );
    expect(bad.status).toBe(400);
  });

  it('reads the health from the Cloud API and follows phone_number_quality_update webhooks', async () => {
    const number = await s.addNumber({ displayPhoneNumber: '+81 3-1234-0001' });
    const read = await s.api<PhoneNumberDto>('POST', `/api/v1/phone-numbers/${number.id}/health`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      qualityRating: 'GREEN',
      throughputLevel: 'STANDARD',
      messagingTier: 'TIER_UNLIMITED',
      qualityEvent: null,
    });
    s.t.simulator!.setNumberQuality(number.phoneNumberId, {
      event: 'FLAGGED',
      qualityRating: 'RED',
      tier: 'TIER_1K',
    });
    await s.t.drain();
    const after = await numberOf(number.id);
    expect(after).toMatchObject({ qualityEvent: 'FLAGGED', messagingTier: 'TIER_1K' });
    expect(after.healthUpdatedAt).toBe(s.clock.now().toISOString());
    const dead = await s.t.ctx.db
      .selectFrom('dead_letters')
      .select('reason')
      .where('workspace_id', '=', s.workspaceId)
      .execute();
    expect(dead.filter((d) => d.reason.includes('phone_number_quality_update'))).toEqual([]);
    const reread = await s.api<PhoneNumberDto>('POST', `/api/v1/phone-numbers/${number.id}/health`);
    expect(reread.body).toMatchObject({
      qualityRating: 'RED',
      messagingTier: 'TIER_1K',
      qualityEvent: 'FLAGGED',
    });
  });

  it('dead-letters a quality update for a number no workspace verified', async () => {
    const sim = s.t.simulator!;
    sim.registerNumber({
      phoneNumberId: '1999000000777',
      displayPhoneNumber: '+1 555-000-0777',
      wabaId: '2999000000777',
      accessToken: 'EAAG-other',
    });
    sim.setNumberQuality('1999000000777', { event: 'UPGRADE', tier: 'TIER_10K' });
    await s.t.drain();
    const dead = await s.t.ctx.db
      .selectFrom('dead_letters')
      .select(['reason', 'workspace_id'])
      .where('reason', 'like', 'phone_number_quality_update%2999000000777')
      .execute();
    expect(dead).toEqual([{ reason: expect.any(String), workspace_id: null }]);
  });
});
