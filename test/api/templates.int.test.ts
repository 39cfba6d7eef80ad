import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TemplateDto, TemplateEventDto } from '../../src/contracts/template.schemas.ts';
import { createApiKey } from '../../src/server/modules/api-keys/api-keys.service.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

type Err = { error: { code: string; details?: { findings?: Array<{ code: string; path: string }> } } };

/** Template management against the built-in simulator over real HTTP: lint, submit, review, webhooks, alerts. */
describe('templates API', () => {
  let s: RunningTsunagi;
  let wabaId: string;
  let numberId: string;
  beforeAll(async () => {
    s = await startTestTsunagi();
    const n = await s.addNumber();
    numberId = n.id;
    await s.t.drain();
    const row = await s.t.ctx.db
      .selectFrom('phone_numbers')
      .select('waba_id')
      .where('id', '=', n.id)
      .executeTakeFirstOrThrow();
    wabaId = row.waba_id;
  });
  afterAll(async () => s?.close());

  /** Lets the simulator's review decide (its clock delay) and Tsunagi ingest the status webhook. */
  const review = async () => {
    s.clock.advance(30_000);
    await s.t.drain();
  };
  const draft = (name: string, body: string, samples?: string[]) => ({
    wabaId,
    name,
    language: 'ja',
    category: 'MARKETING',
    components: [
      { type: 'BODY', text: body, ...(samples ? { example: { body_text: [samples] } } : {}) },
      { type: 'FOOTER', text: '配信停止は「停止」と返信' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: '配信停止' }] },
    ],
  });

  it('lists the synced templates of the WABA, filtered', async () => {
    const all = await s.api<{ data: TemplateDto[] }>('GET', `/api/v1/templates?phoneNumberId=${numberId}`);
    expect(all.status).toBe(200);
    expect(all.body.data).toContainEqual(
      expect.objectContaining({ name: 'hello_world', status: 'APPROVED', wabaId, id: expect.any(String) }),
    );
    const none = await s.api<{ data: TemplateDto[] }>('GET', `/api/v1/templates?status=REJECTED`);
    expect(none.body.data).toEqual([]);
  });

  it('lints without submitting, and refuses a template that breaks the rules with its findings', async () => {
    const bad = draft('winter_sale', '{{1}}様、冬のセールのお知らせです', []);
    const lint = await s.api<{ ok: boolean; findings: Array<{ code: string }> }>(
      'POST',
      '/api/v1/templates/lint',
      bad,
    );
    expect(lint.status).toBe(200);
    expect(lint.body.ok).toBe(false);
    expect(lint.body.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(['variable_at_start', 'example_missing']),
    );
    const refused = await s.api<Err>('POST', '/api/v1/templates', bad);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('template_invalid');
    expect(refused.body.error.details?.findings).toContainEqual(
      expect.objectContaining({ code: 'variable_at_start', path: '/components/0/text' }),
    );
    const graph = await s.api<{ data: TemplateDto[] }>('GET', '/api/v1/templates?name=winter_sale');
    expect(graph.body.data).toEqual([]);
  });

  it('submits: PENDING, then APPROVED when the review webhook arrives; the history records both', async () => {
    const created = await s.api<TemplateDto>(
      'POST',
      '/api/v1/templates',
      draft('winter_sale', 'こんにちは {{1}} 様、冬のセールを開催中です。ぜひご来店ください。', ['山田']),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'winter_sale', status: 'PENDING', category: 'MARKETING' });
    const id = created.body.id!;
    await review();
    const got = await s.api<TemplateDto>('GET', `/api/v1/templates/${id}`);
    expect(got.body.status).toBe('APPROVED');
    const events = await s.api<{ data: TemplateEventDto[] }>('GET', `/api/v1/templates/${id}/events`);
    expect(events.body.data.map((e) => [e.kind, e.value, e.previous])).toEqual([
      ['status', 'APPROVED', 'PENDING'],
      ['status', 'PENDING', null],
    ]);
    const audit = await s.t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'target_id'])
      .where('workspace_id', '=', s.workspaceId)
      .where('action', '=', 'template.created')
      .execute();
    expect(audit).toEqual([{ action: 'template.created', target_id: id }]);
  });

  it('stores a rejection reason and raises an alert, which can be acknowledged', async () => {
    const created = await s.api<TemplateDto>(
      'POST',
      '/api/v1/templates',
      draft('lucky_offer', 'これはspamではありません。今だけの特別なご案内です。'),
    );
    expect(created.status).toBe(201);
    await review();
    const got = await s.api<TemplateDto>('GET', `/api/v1/templates/${created.body.id}`);
    expect(got.body).toMatchObject({ status: 'REJECTED', rejectedReason: 'ABUSIVE_CONTENT' });
    const alerts = await s.api<{ data: TemplateEventDto[] }>('GET', '/api/v1/templates/alerts');
    const alert = alerts.body.data.find((a) => a.name === 'lucky_offer');
    expect(alert).toMatchObject({
      kind: 'status',
      value: 'REJECTED',
      reason: 'ABUSIVE_CONTENT',
      alert: true,
    });
    const ack = await s.api('POST', `/api/v1/templates/alerts/${alert!.id}/acknowledge`);
    expect(ack.status).toBe(204);
    const after = await s.api<{ data: TemplateEventDto[] }>('GET', '/api/v1/templates/alerts');
    expect(after.body.data.find((a) => a.name === 'lucky_offer')).toBeUndefined();
  });

  it('edits a rejected template (back to review, then approved); refuses what Meta would', async () => {
    const list = await s.api<{ data: TemplateDto[] }>('GET', '/api/v1/templates?name=lucky_offer');
    const id = list.body.data[0]!.id!;
    const lintFail = await s.api<Err>('PATCH', `/api/v1/templates/${id}`, {
      components: [{ type: 'BODY', text: 'x'.repeat(1100) }],
    });
    expect(lintFail.status).toBe(422);
    expect(lintFail.body.error.code).toBe('template_invalid');
    const edited = await s.api<TemplateDto>('PATCH', `/api/v1/templates/${id}`, {
      components: [{ type: 'BODY', text: '今だけの特別なご案内です。詳しくはお店でどうぞ。' }],
    });
    expect(edited.status).toBe(200);
    expect(edited.body.status).toBe('PENDING');
    const pending = await s.api<Err>('PATCH', `/api/v1/templates/${id}`, { category: 'UTILITY' });
    expect(pending.status).toBe(422);
    expect(pending.body.error.code).toBe('template_not_editable');
    await review();
    const approved = await s.api<TemplateDto>('GET', `/api/v1/templates/${id}`);
    expect(approved.body).toMatchObject({ status: 'APPROVED', rejectedReason: null });
    const recategorise = await s.api<Err>('PATCH', `/api/v1/templates/${id}`, { category: 'UTILITY' });
    expect(recategorise.body.error.code).toBe('template_not_editable');
  });

  it('records quality drops from webhooks as alerts', async () => {
    s.t.simulator!.setTemplateQuality(wabaId, 'winter_sale', 'ja', 'RED');
    await s.t.drain();
    const list = await s.api<{ data: TemplateDto[] }>('GET', '/api/v1/templates?name=winter_sale');
    expect(list.body.data[0]?.qualityScore).toBe('RED');
    const alerts = await s.api<{ data: TemplateEventDto[] }>('GET', '/api/v1/templates/alerts');
    expect(alerts.body.data).toContainEqual(
      expect.objectContaining({ name: 'winter_sale', kind: 'quality', value: 'RED', alert: true }),
    );
  });

  it('records a change once when the webhook is duplicated, and a change only a sync saw', async () => {
    const count = async () =>
      (
        await s.t.ctx.db
          .selectFrom('template_events')
          .select('id')
          .where('workspace_id', '=', s.workspaceId)
          .execute()
      ).length;
    const before = await count();
    s.t.simulator!.setTemplateStatus(wabaId, 'winter_sale', 'ja', 'APPROVED');
    s.t.simulator!.setTemplateStatus(wabaId, 'winter_sale', 'ja', 'APPROVED');
    await s.t.drain();
    expect(await count()).toBe(before);
    // As if the PAUSED webhook had been lost: the cache still says APPROVED when the sync reads PAUSED.
    await s.t.ctx.db
      .updateTable('message_templates')
      .set({ status: 'PAUSED' })
      .where('workspace_id', '=', s.workspaceId)
      .where('name', '=', 'hello_world')
      .execute();
    await s.api('POST', '/api/v1/templates/sync', {});
    const alerts = await s.api<{ data: TemplateEventDto[] }>('GET', '/api/v1/templates/alerts');
    expect(alerts.body.data).not.toContainEqual(expect.objectContaining({ name: 'hello_world' }));
    const events = await s.t.ctx.db
      .selectFrom('template_events')
      .select(['name', 'value', 'previous'])
      .where('workspace_id', '=', s.workspaceId)
      .where('name', '=', 'hello_world')
      .execute();
    expect(events).toEqual([{ name: 'hello_world', value: 'APPROVED', previous: 'PAUSED' }]);
  });

  it('syncs now', async () => {
    const r = await s.api<{ synced: number; wabas: number }>('POST', '/api/v1/templates/sync', {});
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ synced: 3, wabas: 1 });
  });

  it('keeps templates to their workspace (404) and their management to admins (403)', async () => {
    const list = await s.api<{ data: TemplateDto[] }>('GET', '/api/v1/templates?name=winter_sale');
    const id = list.body.data[0]!.id!;
    const other = await createWorkspace(s.t.ctx.db, s.clock, { name: 'Other shop' });
    const asOther = { authorization: `Bearer ${other.apiKey}` };
    expect((await s.api('GET', `/api/v1/templates/${id}`, undefined, asOther)).status).toBe(404);
    expect((await s.api('DELETE', `/api/v1/templates/${id}`, undefined, asOther)).status).toBe(404);
    expect((await s.api('GET', `/api/v1/templates?wabaId=${wabaId}`, undefined, asOther)).status).toBe(404);
    const otherList = await s.api<{ data: TemplateDto[] }>('GET', '/api/v1/templates', undefined, asOther);
    expect(otherList.body.data).toEqual([]);
    const created = await s.api(
      'POST',
      '/api/v1/templates',
      draft('other_one', '他社のテンプレートです。'),
      asOther,
    );
    expect(created.status).toBe(404);

    const { key } = await createApiKey(s.t.ctx.db, s.clock, {
      workspaceId: s.workspaceId,
      name: 'agent',
      role: 'agent',
    });
    const asAgent = { authorization: `Bearer ${key}` };
    expect((await s.api('GET', `/api/v1/templates/${id}`, undefined, asAgent)).status).toBe(200);
    expect(
      (await s.api('POST', '/api/v1/templates/lint', draft('x_y', 'テストです。'), asAgent)).status,
    ).toBe(200);
    const denied = await s.api<Err>('POST', '/api/v1/templates', draft('agent_one', 'テストです。'), asAgent);
    expect(denied.status).toBe(403);
    expect((await s.api('DELETE', `/api/v1/templates/${id}`, undefined, asAgent)).status).toBe(403);
    expect((await s.api('PATCH', `/api/v1/templates/${id}`, { category: 'UTILITY' }, asAgent)).status).toBe(
      403,
    );
  });

  it('deletes one translation by id, or a name; the audit log has it', async () => {
    const list = await s.api<{ data: TemplateDto[] }>('GET', '/api/v1/templates?name=winter_sale');
    const id = list.body.data[0]!.id!;
    expect((await s.api('DELETE', `/api/v1/templates/${id}`)).status).toBe(204);
    expect((await s.api('GET', `/api/v1/templates/${id}`)).status).toBe(404);
    expect((await s.api('DELETE', `/api/v1/templates?wabaId=${wabaId}&name=lucky_offer`)).status).toBe(204);
    expect((await s.api('DELETE', `/api/v1/templates?wabaId=${wabaId}&name=lucky_offer`)).status).toBe(404);
    await s.api('POST', '/api/v1/templates/sync', {});
    const left = await s.api<{ data: TemplateDto[] }>('GET', '/api/v1/templates');
    expect(left.body.data.map((t) => t.name)).toEqual(['hello_world']);
    const deleted = await s.t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('workspace_id', '=', s.workspaceId)
      .where('action', '=', 'template.deleted')
      .execute();
    expect(deleted).toHaveLength(2);
  });
});
