import {
  PostgresQueryCompiler,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDto } from '../../src/contracts/api.schemas.ts';
import type { ContactBulkActionDto } from '../../src/contracts/contact-bulk.schemas.ts';
import type { ContactConsentView } from '../../src/contracts/consent.schemas.ts';
import { JobRunner } from '../../src/server/jobs/queue.ts';
import {
  contactBulkJob,
  runBulkBatch,
  runBulkSlice,
  startBulkRun,
} from '../../src/server/modules/contacts/contacts-bulk.jobs.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { seedApiKey } from '../support/app.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';

const WABA = '102290129340077';

interface ContactOut {
  id: string;
  phone: string;
  name: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  consentState: string;
}

/** Throws once, on the first checkpoint write of a bulk batch after `armed` is set: a crash before the commit. */
class CrashOnCheckpoint implements KyselyPlugin {
  armed = false;
  crashes = 0;
  private readonly compiler = new PostgresQueryCompiler();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const text = this.compiler.compileQuery(args.node, args.queryId).sql;
    if (this.armed && /update "contact_bulk_actions" set "processed"/.test(text)) {
      this.armed = false;
      this.crashes++;
      throw new Error('injected crash before the batch commits');
    }
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

/**
 * Bulk actions on contacts over real HTTP (`POST /contacts/bulk`, its job, `GET /contacts/bulk/{id}`) and the export
 * of a selection (`POST /contacts/export`): each action on ids, a segment and everyone; the attribute schema checked
 * up front; opt-outs in the consent history and enforced on sends; another workspace never touched; batches that
 * crash, rerun or run twice at once change nothing twice; only owners and admins.
 */
describe('bulk actions on contacts', () => {
  let s: RunningTsunagi;
  let number: { id: string; phoneNumberId: string };
  let other: { workspaceId: string; auth: { authorization: string } };
  let otherContact: string;
  let otherSegment: string;

  beforeAll(async () => {
    s = await startTestTsunagi();
    s.t.simulator!.addTemplate(WABA, {
      name: 'autumn_sale',
      language: 'ja',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: '秋のセール開催中！' }],
    });
    number = await s.addNumber({ phoneNumberId: '100000000000881', wabaId: WABA });
    await s.t.drain(); // the registration's template sync
    const ws = await createWorkspace(s.t.ctx.db, s.clock, { name: 'Other shop' });
    other = { workspaceId: ws.workspaceId, auth: { authorization: `Bearer ${ws.apiKey}` } };
    otherContact = (
      await s.api<ContactOut>(
        'POST',
        '/api/v1/contacts',
        { phone: '+81 90-9999-0001', name: '他社' },
        other.auth,
      )
    ).body.id;
    await s.api('PUT', `/api/v1/contacts/${otherContact}/tags/vip`, undefined, other.auth);
    otherSegment = (
      await s.api<{ id: string }>(
        'POST',
        '/api/v1/segments',
        { name: 'VIP', condition: 'contact.tags has vip' },
        other.auth,
      )
    ).body.id;
  });
  afterAll(async () => s?.close());

  let phoneSeq = 0;
  /** `n` new contacts of the test workspace (names `${prefix} i`). */
  const makeContacts = async (prefix: string, n: number, tags: string[] = []) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      phoneSeq++;
      const res = await s.api<ContactOut>('POST', '/api/v1/contacts', {
        phone: `+8190${String(70000000 + phoneSeq)}`,
        name: `${prefix} ${i}`,
      });
      expect(res.status).toBe(201);
      for (const tag of tags) await s.api('PUT', `/api/v1/contacts/${res.body.id}/tags/${tag}`);
      ids.push(res.body.id);
    }
    return ids;
  };
  const contact = async (id: string, auth = s.auth) =>
    (await s.api<ContactOut>('GET', `/api/v1/contacts/${id}`, undefined, auth)).body;
  const start = (body: unknown, auth = s.auth) =>
    s.api<{ id: string; error?: { code: string; details?: Record<string, unknown> } }>(
      'POST',
      '/api/v1/contacts/bulk',
      body,
      auth,
    );
  const status = async (id: string) => {
    const res = await s.api<ContactBulkActionDto>('GET', `/api/v1/contacts/bulk/${id}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Starts an action, lets the worker run it, and answers its final status. */
  const run = async (body: unknown) => {
    const res = await start(body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await s.t.drain();
    return status(res.body.id);
  };
  const segment = async (name: string, condition: string) => {
    const res = await s.api<{ id: string }>('POST', '/api/v1/segments', { name, condition });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const history = async (id: string) =>
    (await s.api<ContactConsentView>('GET', `/api/v1/contacts/${id}/consent`)).body.history;
  const taggedWith = (tag: string) =>
    s.t.ctx.db.selectFrom('contact_tags').select('contact_id').where('tag', '=', tag).execute();
  /** The contacts an action's snapshot still holds (none once it has ended). */
  const snapshotOf = (bulkActionId: string) =>
    s.t.ctx.db
      .selectFrom('contact_bulk_action_contacts')
      .select('contact_id')
      .where('bulk_action_id', '=', bulkActionId)
      .execute();
  const consentEvents = async (ids: string[]) =>
    s.t.ctx.db
      .selectFrom('consent_events')
      .select(['contact_id', 'source'])
      .where('contact_id', 'in', ids)
      .execute();

  it('adds a tag to chosen contacts, matching none of another workspace or unknown ids; a rerun changes nothing', async () => {
    const [a, b, c] = await makeContacts('タグ', 3);
    const body = {
      target: { contactIds: [a, b, otherContact, '0190aaaa-0000-7000-8000-000000000000'] },
      action: { type: 'add_tag', tag: '秋キャンペーン' },
    };
    const done = await run(body);
    expect(done).toMatchObject({
      status: 'done',
      action: { type: 'add_tag', tag: '秋キャンペーン' },
      target: { type: 'contacts', segmentId: null, requested: 4 },
      total: 2,
      processed: 2,
      changed: 2,
      message: null,
      createdAt: s.clock.now().toISOString(),
      finishedAt: s.clock.now().toISOString(),
    });
    expect((await contact(a!)).tags).toEqual(['秋キャンペーン']);
    expect((await contact(b!)).tags).toEqual(['秋キャンペーン']);
    expect((await contact(c!)).tags).toEqual([]);
    expect((await contact(otherContact, other.auth)).tags).toEqual(['vip']);
    // The same action again: the contacts carry the tag already.
    expect(await run(body)).toMatchObject({ status: 'done', total: 2, processed: 2, changed: 0 });

    // One audit entry per action: actor, type, count — no names or phones.
    const audit = await s.api<{ data: Array<{ actor: { type: string }; target: unknown; data: unknown }> }>(
      'GET',
      '/api/v1/audit-log?action=contact.bulk_action',
    );
    expect(audit.body.data).toHaveLength(2);
    expect(audit.body.data[0]).toMatchObject({
      actor: { type: 'api_key' },
      target: { type: 'contact_bulk_action' },
      data: { type: 'add_tag', tag: '秋キャンペーン', target: 'contacts', contacts: 2 },
    });
    expect(JSON.stringify(audit.body.data)).not.toContain('タグ 0');
  });

  it('removes a tag from a whole segment, all members even as they leave it, and nothing outside it', async () => {
    const members = await makeContacts('会員', 5, ['gold']);
    const [outside] = await makeContacts('外', 1, ['silver']);
    const gold = await segment('Gold', 'contact.tags has gold');
    // Small batches, the worker's job runner of its own: the segment shrinks while the action walks it.
    const runner = new JobRunner(s.t.ctx.db, s.clock, 'small-batches');
    runner.register(contactBulkJob({ db: s.t.ctx.db, clock: s.clock, batchSize: 2, sliceBatches: 2 }));
    const res = await start({ target: { segmentId: gold }, action: { type: 'remove_tag', tag: 'gold' } });
    expect(res.status).toBe(202);
    await runner.drain();
    expect(await status(res.body.id)).toMatchObject({
      status: 'done',
      target: { type: 'segment', segmentId: gold, requested: null },
      total: 5,
      processed: 5,
      changed: 5,
    });
    for (const id of members) expect((await contact(id)).tags).toEqual([]);
    expect((await contact(outside!)).tags).toEqual(['silver']);
    // Two slices (two batches of two, then the last one): the first enqueued the second.
    const jobs = await s.t.ctx.db
      .selectFrom('jobs')
      .select('payload')
      .where('name', '=', 'contacts.bulk')
      .where('workspace_id', '=', s.workspaceId)
      .execute();
    expect(
      jobs.filter((j) => (j.payload as { bulkActionId: string }).bulkActionId === res.body.id),
    ).toHaveLength(2);
    // The snapshot is gone once the action is done.
    const left = await snapshotOf(res.body.id);
    expect(left).toEqual([]);
  });

  it('sets an attribute on every contact not archived, checked against the schema before anything changes', async () => {
    const [archived, kept] = await makeContacts('属性', 2);
    await s.t.ctx.db
      .updateTable('contacts')
      .set({ archived_at: s.clock.now() })
      .where('id', '=', archived!)
      .execute();
    const def = await s.api('POST', '/api/v1/contact-attributes', {
      key: 'plan',
      label: 'Plan',
      type: 'choice',
      choices: ['gold', 'silver'],
    });
    expect(def.status).toBe(201);
    const before = await s.t.ctx.db.selectFrom('contact_bulk_actions').select('id').execute();

    const bad = await start({
      target: { all: true },
      action: { type: 'set_attribute', key: 'plan', value: 'bronze' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'attribute_invalid', details: { key: 'plan' } });
    const unknown = await start({
      target: { all: true },
      action: { type: 'set_attribute', key: 'plann', value: 'gold' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.code).toBe('attribute_invalid');
    const malformed = await start({ target: { all: true }, action: { type: 'set_attribute', key: 'plan' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error?.code).toBe('validation_failed');
    // Nothing was stored or queued for the refused ones.
    expect(await s.t.ctx.db.selectFrom('contact_bulk_actions').select('id').execute()).toHaveLength(
      before.length,
    );

    const all = (
      await s.t.ctx.db
        .selectFrom('contacts')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('workspace_id', '=', s.workspaceId)
        .where('archived_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).n;
    const done = await run({
      target: { all: true },
      action: { type: 'set_attribute', key: 'plan', value: 'gold' },
    });
    expect(done).toMatchObject({
      status: 'done',
      target: { type: 'all' },
      total: Number(all),
      changed: Number(all),
    });
    expect((await contact(kept!)).attributes).toEqual({ plan: 'gold' });
    expect((await contact(archived!)).attributes).toEqual({});
    expect((await contact(otherContact, other.auth)).attributes).toEqual({});
    // Again: everyone holds the value already. Then null removes the key from chosen contacts.
    expect(
      await run({ target: { all: true }, action: { type: 'set_attribute', key: 'plan', value: 'gold' } }),
    ).toMatchObject({ changed: 0 });
    expect(
      await run({
        target: { contactIds: [kept!] },
        action: { type: 'set_attribute', key: 'plan', value: null },
      }),
    ).toMatchObject({ total: 1, changed: 1 });
    expect((await contact(kept!)).attributes).toEqual({});
  });

  it('opts a segment out of marketing: consent history with source bulk and the actor, then marketing sends are refused', async () => {
    const members = await makeContacts('配信', 3, ['newsletter']);
    const [stays] = await makeContacts('残る', 1);
    const seg = await segment('Newsletter', 'contact.tags has newsletter');
    const done = await run({ target: { segmentId: seg }, action: { type: 'opt_out', purpose: 'marketing' } });
    expect(done).toMatchObject({ status: 'done', total: 3, changed: 3 });
    const key = await s.t.ctx.db
      .selectFrom('api_keys')
      .select('id')
      .where('workspace_id', '=', s.workspaceId)
      .executeTakeFirstOrThrow();
    for (const id of members) {
      expect((await contact(id)).consentState).toBe('opted_out');
      expect(await history(id)).toEqual([
        expect.objectContaining({
          purpose: 'marketing',
          state: 'opted_out',
          previousState: 'unknown',
          source: 'bulk',
          actor: { type: 'api_key', id: key.id },
          evidence: { bulkActionId: done.id },
        }),
      ]);
    }
    expect((await contact(stays!)).consentState).toBe('unknown');

    const first = await contact(members[0]!);
    const send = await s.api<MessageDto & { error?: { code: string; details: Record<string, unknown> } }>(
      'POST',
      '/api/v1/messages',
      {
        phoneNumberId: number.phoneNumberId,
        to: first.phone,
        type: 'template',
        template: { name: 'autumn_sale', language: { code: 'ja' } },
      },
    );
    expect(send.status).toBe(422);
    expect(send.body.error).toMatchObject({ code: 'contact_opted_out', details: { purpose: 'marketing' } });

    // Opting out again records nothing more: they are opted out already.
    expect(
      await run({ target: { segmentId: seg }, action: { type: 'opt_out', purpose: 'marketing' } }),
    ).toMatchObject({ total: 3, changed: 0 });
    expect(await consentEvents(members)).toHaveLength(3);
  });

  it("never touches another workspace: its segment is 404, its ids are not matched, 'all' stays in the workspace", async () => {
    const foreign = await start({
      target: { segmentId: otherSegment },
      action: { type: 'add_tag', tag: 'x' },
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error?.code).toBe('not_found');
    const ids = await run({
      target: { contactIds: [otherContact] },
      action: { type: 'opt_out', purpose: 'marketing' },
    });
    expect(ids).toMatchObject({ status: 'done', total: 0, processed: 0, changed: 0 });
    await run({ target: { all: true }, action: { type: 'add_tag', tag: 'everyone' } });
    await run({ target: { all: true }, action: { type: 'opt_out', purpose: 'marketing' } });
    const theirs = await contact(otherContact, other.auth);
    expect(theirs).toMatchObject({ tags: ['vip'], consentState: 'unknown', attributes: {} });
    expect(await consentEvents([otherContact])).toEqual([]);
    // Nor can the other workspace read this one's actions.
    const mine = await start({ target: { all: true }, action: { type: 'remove_tag', tag: 'everyone' } });
    const read = await s.api('GET', `/api/v1/contacts/bulk/${mine.body.id}`, undefined, other.auth);
    expect(read.status).toBe(404);
    await s.t.drain();
  });

  it('ends as failed, changing nothing, when its segment is deleted before it starts', async () => {
    const [member] = await makeContacts('削除', 1, ['gone']);
    const seg = await segment('Gone', 'contact.tags has gone');
    const res = await start({ target: { segmentId: seg }, action: { type: 'add_tag', tag: 'never' } });
    expect(res.status).toBe(202);
    expect(await status(res.body.id)).toMatchObject({ status: 'queued', total: null, processed: 0 });
    expect((await s.api('DELETE', `/api/v1/segments/${seg}`)).status).toBe(204);
    await s.t.drain();
    expect(await status(res.body.id)).toMatchObject({
      status: 'failed',
      total: null,
      changed: 0,
      message: 'The segment was deleted before the action started',
      finishedAt: s.clock.now().toISOString(),
    });
    expect((await contact(member!)).tags).toEqual(['gone']);
  });

  it('a batch that crashes before its commit is redone once; a redelivered job and two runners at once change nothing twice', async () => {
    const ids = await makeContacts('再実行', 7);
    const crash = new CrashOnCheckpoint();
    const deps = { db: s.t.ctx.db.withPlugin(crash), clock: s.clock, batchSize: 3, sliceBatches: 10 };
    const runner = new JobRunner(s.t.ctx.db, s.clock, 'crashing');
    runner.register(contactBulkJob(deps));

    // Crash in the first batch's transaction (its tags and history were written, then rolled back).
    const res = await start({
      target: { contactIds: ids },
      action: { type: 'opt_out', purpose: 'marketing' },
    });
    crash.armed = true;
    await runner.drain();
    expect(crash.crashes).toBe(1);
    expect(await status(res.body.id)).toMatchObject({
      status: 'running',
      total: 7,
      processed: 0,
      changed: 0,
    });
    expect(await consentEvents(ids)).toEqual([]);
    s.clock.advance(60_000); // the retry's backoff
    await runner.drain();
    expect(await status(res.body.id)).toMatchObject({ status: 'done', total: 7, processed: 7, changed: 7 });
    expect(await consentEvents(ids)).toHaveLength(7);

    // The job delivered again after it finished (a crash before its own completion was recorded): a no-op.
    await runBulkSlice(deps, res.body.id, 0);
    expect(await status(res.body.id)).toMatchObject({ processed: 7, changed: 7 });
    expect(await consentEvents(ids)).toHaveLength(7);

    // Two runs of the same job at once: they take turns on the action's row, each batch once.
    const tagged = await start({ target: { contactIds: ids }, action: { type: 'add_tag', tag: 'twice' } });
    await Promise.all([runBulkSlice(deps, tagged.body.id, 0), runBulkSlice(deps, tagged.body.id, 0)]);
    expect(await status(tagged.body.id)).toMatchObject({
      status: 'done',
      total: 7,
      processed: 7,
      changed: 7,
    });
    const rows = await taggedWith('twice');
    expect(rows).toHaveLength(7);
    await runner.drain(); // the queued job of the second action finds it done
    expect(await status(tagged.body.id)).toMatchObject({ processed: 7, changed: 7 });
  });

  it('cancels a running action: its committed batches stay, no batch runs after; finished ones are 409', async () => {
    const ids = await makeContacts('取消', 5);
    const res = await start({ target: { contactIds: ids }, action: { type: 'add_tag', tag: '取消' } });
    expect(res.status).toBe(202);
    // One batch of two commits before the cancel (the worker's own run is still queued).
    const deps = { db: s.t.ctx.db, clock: s.clock, batchSize: 2 };
    expect(await startBulkRun(deps, res.body.id)).toBe(true);
    expect(await runBulkBatch(deps, res.body.id, null)).toBe('more');

    const foreign = await s.api('POST', `/api/v1/contacts/bulk/${res.body.id}/cancel`, undefined, other.auth);
    expect(foreign.status).toBe(404);
    s.clock.advance(1000);
    const cancelled = await s.api<ContactBulkActionDto>(
      'POST',
      `/api/v1/contacts/bulk/${res.body.id}/cancel`,
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      total: 5,
      processed: 2,
      changed: 2,
      finishedAt: s.clock.now().toISOString(),
    });
    // The queued run, a redelivered one and a batch started by hand all find it cancelled.
    await s.t.drain();
    await runBulkSlice(deps, res.body.id, 0);
    expect(await runBulkBatch(deps, res.body.id, null)).toBe('stopped');
    expect(await status(res.body.id)).toMatchObject({ status: 'cancelled', processed: 2, changed: 2 });
    const tagged = await taggedWith('取消');
    expect(tagged).toHaveLength(2);
    const left = await snapshotOf(res.body.id);
    expect(left).toEqual([]);

    // Cancelling again answers it as it is; a finished action cannot be cancelled.
    const again = await s.api<ContactBulkActionDto>('POST', `/api/v1/contacts/bulk/${res.body.id}/cancel`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'cancelled', processed: 2 });
    const done = await run({ target: { contactIds: ids }, action: { type: 'remove_tag', tag: '取消' } });
    const refused = await s.api<{ error: { code: string; details?: Record<string, unknown> } }>(
      'POST',
      `/api/v1/contacts/bulk/${done.id}/cancel`,
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'bulk_action_finished', details: { status: 'done' } });

    // Audited once, with counts only.
    const audit = await s.api<{ data: Array<{ target: unknown; data: unknown }> }>(
      'GET',
      '/api/v1/audit-log?action=contact.bulk_action_cancelled',
    );
    expect(audit.body.data).toEqual([
      expect.objectContaining({
        target: { type: 'contact_bulk_action', id: res.body.id },
        data: { total: 5, processed: 2, changed: 2 },
      }),
    ]);
  });

  it('is for owners and admins: agents and analysts get 403', async () => {
    const [id] = await makeContacts('権限', 1);
    const done = await run({ target: { contactIds: [id] }, action: { type: 'add_tag', tag: 'ok' } });
    for (const role of ['agent', 'analyst'] as const) {
      const auth = await seedApiKey(s.t.ctx, s.workspaceId, role);
      const refused = await start(
        { target: { contactIds: [id] }, action: { type: 'add_tag', tag: 'no' } },
        auth,
      );
      expect(refused.status).toBe(403);
      expect(refused.body.error?.code).toBe('forbidden');
      expect((await s.api('GET', `/api/v1/contacts/bulk/${done.id}`, undefined, auth)).status).toBe(403);
      const exported = await s.api('POST', '/api/v1/contacts/export', { contactIds: [id] }, auth);
      expect(exported.status).toBe(403);
      const cancel = await s.api('POST', `/api/v1/contacts/bulk/${done.id}/cancel`, undefined, auth);
      expect(cancel.status).toBe(403);
    }
    expect((await contact(id!)).tags).toEqual(['ok']);
  });

  it('exports chosen contacts as the CSV of GET /contacts/export (BOM or Shift_JIS, formulas neutralised), only the workspace’s', async () => {
    const [a, b] = await makeContacts('=出力', 2, ['csv']);
    const post = (body: unknown) =>
      fetch(`${s.t.url}/api/v1/contacts/export`, {
        method: 'POST',
        headers: { ...s.auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const res = await post({ contactIds: [a, otherContact] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="contacts.csv"');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^phone,name,tags,consent/);
    const mine = await contact(a!);
    expect(lines[1]).toMatch(new RegExp(`^'\\${mine.phone},'=出力 0,csv,`));
    // The same row as GET /contacts/export writes for that contact.
    const whole = await fetch(`${s.t.url}/api/v1/contacts/export?tag=csv`, { headers: s.auth });
    // (text() drops the BOM.)
    const wholeLines = (await whole.text()).trimEnd().split('\r\n');
    expect(wholeLines[0]).toBe(lines[0]);
    expect(wholeLines).toContain(lines[1]);

    const sjis = await post({ contactIds: [b], encoding: 'shift_jis' });
    expect(sjis.headers.get('content-type')).toBe('text/csv; charset=Shift_JIS');
    const text = new TextDecoder('shift_jis').decode(await sjis.arrayBuffer());
    expect(text).toContain("'=出力 1");

    const tooMany = await post({ contactIds: Array.from({ length: 1001 }, () => a) });
    expect(tooMany.status).toBe(400);
    expect((await post({ contactIds: [] })).status).toBe(400);
  });
});
