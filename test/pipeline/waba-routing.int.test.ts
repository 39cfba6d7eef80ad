import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPhoneNumber } from '../../src/server/modules/phone-numbers/phone-numbers.service.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { workspacesOfWaba } from '../../src/server/pipeline/waba-routing.ts';
import { signBody } from '../../src/simulator/index.ts';
import { randomCloudId, seedInboundConversation } from '../support/app.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

/**
 * Finding 5, second half: WABA-level webhooks (`user_preferences`, account updates) were routed by a WABA id
 * tenants type in — not unique, no ORDER BY — so a stranger who typed someone's WABA id could receive them.
 * They now go to the workspaces whose numbers on that WABA were verified, earliest verification first.
 */
describe('WABA-level webhook routing', () => {
  let s: RunningTsunagi;
  const WABA = '102290129377777';
  const CUSTOMER = '819055550001';
  let owner: string;
  let stranger: string;
  let later: string;
  let strangerPnid: string;

  beforeAll(async () => {
    s = await startTestTsunagi();
    owner = s.workspaceId;
    const ownerNumber = await s.addNumber({ wabaId: WABA }); // verified through the simulator
    const deps = { db: s.t.ctx.db, clock: s.clock, secrets: s.t.ctx.secrets };
    const number = (workspaceId: string, verifiedAt: Date | null) =>
      registerPhoneNumber(
        deps,
        workspaceId,
        {
          phoneNumberId: randomCloudId(),
          displayPhoneNumber: '+81 3-0000-0001',
          wabaId: WABA,
          accessToken: 'typed-in',
          mps: 80,
        },
        verifiedAt,
      );
    // A stranger's number typed in under the same WABA id, never verified (registered before verification).
    stranger = (await createWorkspace(s.t.ctx.db, s.clock, { name: 'Stranger' })).workspaceId;
    const strangerNumber = await number(stranger, null);
    strangerPnid = strangerNumber.phoneNumberId;
    // Another workspace of the same business, verified a minute after the owner.
    later = (await createWorkspace(s.t.ctx.db, s.clock, { name: 'Branch' })).workspaceId;
    const laterNumber = await number(later, new Date(s.clock.nowMs() + 60_000));
    for (const [workspaceId, phoneNumberId] of [
      [owner, ownerNumber.id],
      [stranger, strangerNumber.id],
      [later, laterNumber.id],
    ] as const)
      await seedInboundConversation(s.t.ctx, { workspaceId, phoneNumberId, waId: CUSTOMER, name: 'Stop' });
  });
  afterAll(async () => s?.close());

  async function post(change: { field: string; value: unknown }): Promise<void> {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: WABA, time: Math.floor(s.clock.nowMs() / 1000), changes: [change] }],
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
    await s.t.drain();
  }

  const consent = async (workspaceId: string) =>
    (
      await s.t.ctx.db
        .selectFrom('contacts')
        .select('consent_state')
        .where('workspace_id', '=', workspaceId)
        .where('wa_id', '=', CUSTOMER)
        .executeTakeFirstOrThrow()
    ).consent_state;

  const preferences = (value: 'stop' | 'resume', metadata?: Record<string, string>) => ({
    field: 'user_preferences',
    value: {
      messaging_product: 'whatsapp',
      ...(metadata ? { metadata } : {}),
      user_preferences: [
        { wa_id: CUSTOMER, detail: '', category: 'marketing_messages', value, timestamp: 1767571200 },
      ],
    },
  });

  it('lists the workspaces with verified numbers on a WABA, earliest verification first', async () => {
    expect(await workspacesOfWaba(s.t.ctx.db, WABA)).toEqual([owner, later]);
    expect(await workspacesOfWaba(s.t.ctx.db, '102290129300000')).toEqual([]);
  });

  it('applies a WABA-level user_preferences to the verified workspaces only, never to a typed-in WABA id', async () => {
    await post(preferences('stop'));
    expect(await consent(owner)).toBe('opted_out');
    expect(await consent(later)).toBe('opted_out');
    expect(await consent(stranger)).not.toBe('opted_out');
  });

  it('applies a user_preferences naming its phone number to that number’s workspace only', async () => {
    await post(preferences('resume', { phone_number_id: strangerPnid, display_phone_number: '81300000001' }));
    expect(await consent(stranger)).toBe('opted_in');
    expect(await consent(owner)).toBe('opted_out');
  });

  it("stores an account update on the verified numbers of the WABA's workspaces, never on a typed-in one", async () => {
    await post({ field: 'account_update', value: { event: 'ACCOUNT_VIOLATION' } });
    const events = await s.t.ctx.db
      .selectFrom('phone_numbers')
      .select(['workspace_id', 'account_event'])
      .where('waba_id', '=', WABA)
      .execute();
    const eventOf = (workspaceId: string) =>
      events.find((e) => e.workspace_id === workspaceId)?.account_event;
    expect(eventOf(owner)).toBe('ACCOUNT_VIOLATION');
    expect(eventOf(later)).toBe('ACCOUNT_VIOLATION');
    expect(eventOf(stranger)).toBeNull();
  });

  it('dead-letters another WABA-level field for each verified workspace of the WABA', async () => {
    await post({
      field: 'business_capability_update',
      value: { max_daily_conversation_per_phone_number: 1000 },
    });
    const letters = await s.t.ctx.db
      .selectFrom('dead_letters')
      .select(['workspace_id', 'reason'])
      .where('reason', '=', 'unhandled webhook field business_capability_update')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    expect(letters.map((l) => l.workspace_id).sort()).toEqual([owner, later].sort());
  });
});
