import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NUMBER, VERSION, startHarness } from './helpers.ts';
import type { Harness } from './helpers.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const path = `/${VERSION}/${NUMBER.wabaId}/message_templates`;
const changes = () =>
  h.receiver.hits.flatMap((hit) =>
    (hit.json.entry as Array<{ changes: Array<{ field: string; value: Record<string, unknown> }> }>).flatMap(
      (e) => e.changes,
    ),
  );
const create = (name: string, body: string) =>
  h.graph('POST', path, {
    name,
    language: 'ja',
    category: 'MARKETING',
    components: [{ type: 'BODY', text: body }],
  });

describe('template review (simulated Meta)', () => {
  it('keeps a submission PENDING, then approves it after the review delay on the clock', async () => {
    const created = await create('autumn_sale', '秋のセールを開催中です。ぜひご来店ください。');
    expect(created.body).toMatchObject({ status: 'PENDING' });
    h.clock.advance(29_000);
    await h.server.sim.flush();
    expect(changes()).toEqual([]);
    h.clock.advance(1_000);
    await h.server.sim.flush();
    expect(changes()).toEqual([
      {
        field: 'message_template_status_update',
        value: expect.objectContaining({
          event: 'APPROVED',
          message_template_id: Number(created.body.id),
          message_template_name: 'autumn_sale',
          reason: 'NONE',
        }),
      },
    ]);
    const list = await h.graph('GET', `${path}?name=autumn_sale`);
    expect(list.body.data).toEqual([expect.objectContaining({ status: 'APPROVED' })]);
  });

  it('rejects a template with a word of the reject list, with the reason; the delay and list are configurable', async () => {
    const cfg = await h.control('POST', '/templates/review', { delayMs: 5_000, rejectWords: ['当選'] });
    expect(cfg.body).toMatchObject({ delayMs: 5_000, rejectWords: ['当選'], auto: true });
    await create('prize', 'おめでとうございます、当選しました。詳細はお店でご確認ください。');
    h.clock.advance(5_000);
    await h.server.sim.flush();
    expect(changes()[0]?.value).toMatchObject({
      event: 'REJECTED',
      reason: 'ABUSIVE_CONTENT',
      rejection_info: { reason: 'ABUSIVE_CONTENT' },
    });
  });

  it('lets the control API decide instead (the pending review is cancelled)', async () => {
    await h.control('POST', '/templates/review', { auto: false });
    await create('manual_one', '新しいお知らせがあります。アプリでご確認ください。');
    h.clock.advance(60_000);
    await h.server.sim.flush();
    expect(changes()).toEqual([]);
    await h.control('POST', '/templates/status', {
      wabaId: NUMBER.wabaId,
      name: 'manual_one',
      language: 'ja',
      status: 'REJECTED',
      reason: 'INCORRECT_CATEGORY',
    });
    await h.server.sim.flush();
    expect(changes()[0]?.value).toMatchObject({ event: 'REJECTED', reason: 'INCORRECT_CATEGORY' });
  });

  it('edits a rejected template (POST /{template-id}), which goes back to review; refuses a pending one', async () => {
    const created = await create('fix_me', 'これはspamではありません。ご安心ください。');
    h.clock.advance(30_000);
    await h.server.sim.flush();
    expect(changes()[0]?.value).toMatchObject({ event: 'REJECTED' });
    const id = created.body.id as string;
    const edited = await h.graph('POST', `/${VERSION}/${id}`, {
      components: [{ type: 'BODY', text: '新商品のご案内です。ぜひご覧ください。' }],
    });
    expect(edited.body).toEqual({ success: true });
    const again = await h.graph('POST', `/${VERSION}/${id}`, { category: 'UTILITY' });
    expect(again.body).toMatchObject({ error: { code: 100 } });
    h.clock.advance(30_000);
    await h.server.sim.flush();
    expect(changes()[1]?.value).toMatchObject({ event: 'APPROVED', message_template_name: 'fix_me' });
    const other = await h.graph('POST', `/${VERSION}/${id}`, { category: 'UTILITY' }, 'someone-else');
    expect(other.status).toBe(401);
  });

  it('sends message_template_quality_update from the control API', async () => {
    const r = await h.control('POST', '/templates/quality', {
      wabaId: NUMBER.wabaId,
      name: 'hello_world',
      language: 'en_US',
      score: 'RED',
    });
    expect(r.status).toBe(200);
    await h.server.sim.flush();
    expect(changes()[0]).toMatchObject({
      field: 'message_template_quality_update',
      value: { new_quality_score: 'RED', message_template_name: 'hello_world' },
    });
  });
});
