import iconv from 'iconv-lite';
import {
  PostgresQueryCompiler,
  sql,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbOrTx } from '../../src/server/db/types.ts';
import { JobRunner } from '../../src/server/jobs/queue.ts';
import { recordConsentChanges } from '../../src/server/modules/consent/consent.service.ts';
import {
  contactImportJob,
  type ImportedConsent,
} from '../../src/server/modules/contacts/contact-imports.jobs.ts';
import {
  createTestApp,
  seedApiKey,
  seedWorkspace,
  type SeededWorkspace,
  type TestApp,
} from '../support/app.ts';

interface ImportStatus {
  status: string;
  encoding: string | null;
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  errors: Array<{ row: number; column: string | null; code: string; message: string }>;
  errorsStored: number;
  message: string | null;
}

interface ContactOut {
  id: string;
  phone: string;
  name: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  consentState: string;
}

/** Keeps the SQL of every statement the import job runs that updates contacts (and those writing the consent mirror). */
class ConsentMirrorWrites implements KyselyPlugin {
  readonly statements: string[] = [];
  readonly contactUpdates: string[] = [];
  private readonly compiler = new PostgresQueryCompiler();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const text = this.compiler.compileQuery(args.node, args.queryId).sql;
    if (/update contacts/i.test(text)) this.contactUpdates.push(text);
    if (/update contacts/i.test(text) && /consent_state\s*=/i.test(text)) this.statements.push(text);
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

describe('CSV contact import and export', () => {
  let t: TestApp;
  const consents: ImportedConsent[] = [];
  let failConsentHook = false;
  let runner: JobRunner;
  const mirrorWrites = new ConsentMirrorWrites();
  beforeAll(async () => {
    t = await createTestApp();
    runner = new JobRunner(t.ctx.db, t.ctx.clock, 'test-worker');
    runner.register(
      contactImportJob({
        db: t.ctx.db.withPlugin(mirrorWrites),
        clock: t.ctx.clock,
        batchRows: 3,
        sliceRows: 7,
        // What main.ts wires: the consent module records each imported consent (history, state, mirror).
        onImportedConsent: async (tx: DbOrTx, items: ImportedConsent[]) => {
          if (failConsentHook) throw new Error('injected crash');
          consents.push(...items);
          await recordConsentChanges(
            tx,
            t.ctx.clock,
            items.map((c) => ({
              workspaceId: c.workspaceId,
              contactId: c.contactId,
              purpose: 'marketing' as const,
              state: c.state,
              source: 'import' as const,
              actor: { type: 'system' as const, id: null },
              evidence: { importId: c.importId, row: c.row },
            })),
          );
        },
      }),
    );
  });
  afterAll(async () => t.close());

  const upload = (ws: SeededWorkspace, body: string | Buffer, query = '', auth = ws.auth) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/contacts/imports${query}`,
      headers: { ...auth, 'content-type': 'text/csv' },
      payload: body,
    });
  const status = async (ws: SeededWorkspace, id: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/contacts/imports/${id}`,
      headers: ws.auth,
    });
    expect(res.statusCode).toBe(200);
    return res.json() as ImportStatus;
  };
  const importAndRun = async (ws: SeededWorkspace, body: string | Buffer, query = '') => {
    const res = await upload(ws, body, query);
    expect(res.statusCode).toBe(202);
    const { id } = res.json() as { id: string };
    await runner.drain();
    return { id, ...(await status(ws, id)) };
  };
  const contacts = async (ws: SeededWorkspace) => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/contacts?limit=100', headers: ws.auth });
    return (res.json() as { data: ContactOut[] }).data;
  };
  const byPhone = async (ws: SeededWorkspace) => new Map((await contacts(ws)).map((c) => [c.phone, c]));
  const define = (ws: SeededWorkspace, body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/contact-attributes', headers: ws.auth, payload: body });

  it('imports a messy file row by row: duplicates, ragged rows, bad phones and values, a 10 MB cell, a BOM', async () => {
    const ws = await seedWorkspace(t.ctx);
    await define(ws, { key: 'plan', label: 'Plan', type: 'choice', choices: ['gold', 'silver'] });
    await define(ws, { key: 'visits', label: 'Visits', type: 'number' });
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const csv =
      '\uFEFFphone,name,tags,attr.plan,attr.visits,consent\r\n' +
      '+819011112001,山田 花子,vip;tokyo,gold,"1,234",opted_in\r\n' + // row 2: created
      '819011112002,"Smith, John",,silver,,\r\n' + // row 3: created
      '+81 90-1111-2001,山田 太郎,osaka,,7,\r\n' + // row 4: duplicate of row 2 → updated
      '+819011112003,Too few cells\r\n' + // row 5: ragged
      '12345,Bad phone,,,,\r\n' + // row 6: bad phone
      '+819011112004,Bad plan,,platinum,abc,maybe\r\n' + // row 7: bad attribute values and consent
      `+819011112005,${huge},,,,\r\n` + // row 8: a 10 MB cell
      '\r\n' + // a blank line is not a row
      '+819011112006,"multi\nline",,,,opted_out\r\n'; // row 9: created
    const r = await importAndRun(ws, csv);
    expect(r).toMatchObject({
      status: 'done',
      encoding: 'utf-8',
      rows: 8,
      created: 3,
      updated: 1,
      skipped: 0,
      failed: 4,
    });
    expect(r.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [5, null, 'row_ragged'],
      [6, 'phone', 'phone_invalid'],
      [7, 'attr.plan', 'attribute_invalid'],
      [7, 'attr.visits', 'attribute_invalid'],
      [7, 'consent', 'consent_invalid'],
      [8, 'name', 'cell_too_large'],
    ]);
    const got = await byPhone(ws);
    expect(got.size).toBe(3);
    expect(got.get('+819011112001')).toMatchObject({
      name: '山田 太郎',
      tags: ['osaka', 'tokyo', 'vip'],
      attributes: { plan: 'gold', visits: 7 },
      consentState: 'opted_in',
    });
    expect(got.get('+819011112002')).toMatchObject({ name: 'Smith, John', attributes: { plan: 'silver' } });
    expect(got.get('+819011112006')).toMatchObject({ name: 'multi\nline', consentState: 'opted_out' });
    expect(
      consents.filter((c) => c.workspaceId === ws.workspaceId).map((c) => [c.row, c.state, c.source]),
    ).toEqual([
      [2, 'opted_in', 'import'],
      [9, 'opted_out', 'import'],
    ]);

    const report = await t.app.inject({
      method: 'GET',
      url: `/api/v1/contacts/imports/${r.id}/errors.csv`,
      headers: ws.auth,
    });
    expect(report.headers['content-type']).toContain('text/csv');
    const lines = report.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('row,column,code,message');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(/^5,,row_ragged,/);
  }, 240_000); // 10 MB travel through the request, the spool and the parser: slow on a loaded CI machine

  it('detects Shift_JIS (Japanese Excel) and UTF-16 LE/BE with a BOM, and reads national numbers with country', async () => {
    const ws = await seedWorkspace(t.ctx);
    const text = '電話番号,氏名,タグ\r\n090-1111-3001,髙橋 ①子,顧客\r\n';
    const mapping = encodeURIComponent(JSON.stringify({ 電話番号: 'phone', 氏名: 'name', タグ: 'tags' }));
    const sjis = await importAndRun(ws, iconv.encode(text, 'cp932'), `?country=JP&mapping=${mapping}`);
    expect(sjis).toMatchObject({ status: 'done', encoding: 'shift_jis', created: 1, failed: 0 });
    expect((await byPhone(ws)).get('+819011113001')).toMatchObject({ name: '髙橋 ①子', tags: ['顧客'] });
    // An imported name is searchable by reading and script at once, like one typed in the console.
    for (const q of ['たかはし', 'タカハシ', 'takahashi', '高橋']) {
      const found = await t.app.inject({
        method: 'GET',
        url: `/api/v1/contacts?q=${encodeURIComponent(q)}`,
        headers: ws.auth,
      });
      expect(
        (found.json() as { data: ContactOut[] }).data.map((c) => c.phone),
        q,
      ).toEqual(['+819011113001']);
    }

    const le = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      iconv.encode('phone,name\n+819011113002,李 小龍\n', 'utf16le'),
    ]);
    expect(await importAndRun(ws, le)).toMatchObject({ status: 'done', encoding: 'utf-16le', created: 1 });
    const be = Buffer.concat([
      Buffer.from([0xfe, 0xff]),
      iconv.encode('phone,name\n+819011113003,Ñandú 🎉\n', 'utf16be'),
    ]);
    expect(await importAndRun(ws, be)).toMatchObject({ status: 'done', encoding: 'utf-16be', created: 1 });
    const got = await byPhone(ws);
    expect(got.get('+819011113002')?.name).toBe('李 小龍');
    expect(got.get('+819011113003')?.name).toBe('Ñandú 🎉');
  });

  it('updates existing contacts with onExisting=update and leaves them alone with skip', async () => {
    const ws = await seedWorkspace(t.ctx);
    await importAndRun(ws, 'phone,name,attr.note\n+819011114001,First,a\n');
    const skip = await importAndRun(
      ws,
      'phone,name,attr.note\n+819011114001,Second,b\n+819011114002,New,c\n',
      '?onExisting=skip',
    );
    expect(skip).toMatchObject({ rows: 2, created: 1, skipped: 1, updated: 0 });
    expect((await byPhone(ws)).get('+819011114001')).toMatchObject({
      name: 'First',
      attributes: { note: 'a' },
    });
    const update = await importAndRun(ws, 'phone,name,attr.other\n+819011114001,Third,x\n');
    expect(update).toMatchObject({ rows: 1, updated: 1 });
    expect((await byPhone(ws)).get('+819011114001')).toMatchObject({
      name: 'Third',
      attributes: { note: 'a', other: 'x' },
    });
  });

  it('writes consent once per batch: one history row per contact, its state, and the mirror on the contact', async () => {
    const ws = await seedWorkspace(t.ctx);
    // Two batches of 3 rows; row 4 repeats row 2's contact (its last value wins), row 7 has no consent.
    const csv =
      'phone,name,consent\n' +
      '+819011116001,A,opted_in\n' +
      '+819011116002,B,opted_out\n' +
      '+819011116001,A2,opted_out\n' +
      '+819011116003,C,opted_in\n' +
      '+819011116004,D,opted_out\n' +
      '+819011116005,E,\n';
    mirrorWrites.statements.length = 0;
    mirrorWrites.contactUpdates.length = 0;
    expect(await importAndRun(ws, csv)).toMatchObject({ status: 'done', created: 5, updated: 1 });
    // One statement writes consent_state per batch: the consent module's mirror, not also the import's update.
    expect(mirrorWrites.statements).toHaveLength(2);
    // Every contact is new: each is written by its insert with name, consent mirror and search key, and updated by
    // no other statement (the mirror statements find the mirror already set).
    expect(mirrorWrites.contactUpdates).toEqual(mirrorWrites.statements);
    const rows = await sql<{ wa_id: string; mirror: string; state: string | null; events: number }>`
      select c.wa_id, c.consent_state as mirror, k.state,
        (select count(*)::int from consent_events e where e.workspace_id = c.workspace_id
          and e.contact_id = c.id and e.source = 'import') as events
      from contacts c left join contact_consents k on k.workspace_id = c.workspace_id and k.contact_id = c.id
        and k.purpose = 'marketing'
      where c.workspace_id = ${ws.workspaceId} order by c.wa_id`.execute(t.ctx.db);
    expect(rows.rows.map((r) => [r.wa_id, r.mirror, r.state, r.events])).toEqual([
      ['819011116001', 'opted_out', 'opted_out', 2], // two rows set it: two changes, the last one current
      ['819011116002', 'opted_out', 'opted_out', 1],
      ['819011116003', 'opted_in', 'opted_in', 1],
      ['819011116004', 'opted_out', 'opted_out', 1],
      ['819011116005', 'unknown', null, 0],
    ]);
  });

  it('resumes from its checkpoint after a crash mid-import, without counting or creating anything twice', async () => {
    const ws = await seedWorkspace(t.ctx);
    const rows = Array.from(
      { length: 16 },
      (_, i) => `+8190111150${String(i).padStart(2, '0')},N${i},opted_in`,
    );
    const res = await upload(ws, `phone,name,consent\n${rows.join('\n')}\n+819011115000,dup,\n`);
    const { id } = res.json() as { id: string };
    // Batches of 3 rows, slices of 7: the first batch commits, the second one's consent hook crashes.
    let calls = 0;
    failConsentHook = false;
    const original = consents.length;
    await runner.runOnce(1).catch(() => undefined);
    calls = consents.length - original;
    expect(calls).toBeGreaterThan(0);
    failConsentHook = true;
    await runner.drain();
    failConsentHook = false;
    const midway = await status(ws, id);
    expect(midway.status).toBe('running');
    t.clock.advance(60 * 60_000);
    await runner.drain();
    const done = await status(ws, id);
    expect(done).toMatchObject({ status: 'done', rows: 17, created: 16, updated: 1, failed: 0 });
    expect(await contacts(ws)).toHaveLength(16);
  });

  it('keeps imports to their workspace and to admins', async () => {
    const ws = await seedWorkspace(t.ctx);
    const other = await seedWorkspace(t.ctx);
    const { id } = await importAndRun(ws, 'phone\n+819011116001\n');
    for (const url of [`/api/v1/contacts/imports/${id}`, `/api/v1/contacts/imports/${id}/errors.csv`]) {
      const res = await t.app.inject({ method: 'GET', url, headers: other.auth });
      expect(res.statusCode).toBe(404);
    }
    const agent = await seedApiKey(t.ctx, ws.workspaceId, 'agent');
    expect((await upload(ws, 'phone\n+819011116002\n', '', agent)).statusCode).toBe(403);
    expect(await contacts(other)).toHaveLength(0);
  });

  it('fails a file without a phone column as a whole, with the reason', async () => {
    const ws = await seedWorkspace(t.ctx);
    const r = await importAndRun(ws, 'name,email\nA,a@example.test\n');
    expect(r).toMatchObject({ status: 'failed', rows: 0 });
    expect(r.message).toContain('no phone column');
    const bad = await upload(ws, 'phone\n', '?mapping=not-json');
    expect(bad.statusCode).toBe(400);
  });

  it('exports CSV that imports back unchanged, with formulas neutralised, in UTF-8 with a BOM or Shift_JIS', async () => {
    const ws = await seedWorkspace(t.ctx);
    await define(ws, { key: 'rank', label: 'Rank', type: 'number' });
    await define(ws, { key: 'memo', label: 'Memo', type: 'text' });
    const imported = await importAndRun(
      ws,
      'phone,name,tags,consent,attr.rank,attr.memo\n' +
        '+819011117001,"=HYPERLINK(""http://evil.example"",""x"")",vip;東京,opted_out,3,\n' +
        '+819011117002,@SUM(A1),,,,"-2+3"\n' +
        '+819011117003,渡辺 さくら,,opted_in,,"\tlead, and ""quotes"""\n',
    );
    expect(imported).toMatchObject({ created: 3, failed: 0 });

    const res = await t.app.inject({ method: 'GET', url: '/api/v1/contacts/export', headers: ws.auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const body = res.rawPayload.toString('utf8');
    expect(body).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(body).toContain(`'@SUM(A1)`);
    expect(body).toContain(`'-2+3`);
    expect(body).toContain(`'+819011117001`);
    expect(body).toContain('"\'\tlead, and ""quotes"""');
    expect(body.split('\r\n')[0]).toBe('\uFEFFphone,name,tags,consent,attr.memo,attr.rank');

    const copy = await seedWorkspace(t.ctx);
    await define(copy, { key: 'rank', label: 'Rank', type: 'number' });
    await define(copy, { key: 'memo', label: 'Memo', type: 'text' });
    const back = await importAndRun(copy, res.rawPayload);
    expect(back).toMatchObject({ status: 'done', created: 3, failed: 0 });
    const strip = (c: ContactOut) => ({ ...c, id: undefined });
    const original = [...(await byPhone(ws)).values()]
      .map(strip)
      .sort((a, b) => a.phone.localeCompare(b.phone));
    const copied = [...(await byPhone(copy)).values()]
      .map(strip)
      .sort((a, b) => a.phone.localeCompare(b.phone));
    expect(copied.map((c) => ({ ...c, createdAt: undefined, updatedAt: undefined }))).toEqual(
      original.map((c) => ({ ...c, createdAt: undefined, updatedAt: undefined })),
    );

    const sjis = await t.app.inject({
      method: 'GET',
      url: '/api/v1/contacts/export?encoding=shift_jis&tag=vip',
      headers: ws.auth,
    });
    expect(sjis.headers['content-type']).toBe('text/csv; charset=Shift_JIS');
    const text = iconv.decode(sjis.rawPayload, 'cp932');
    expect(text.trim().split('\r\n')).toHaveLength(2);
    expect(text).toContain('vip;東京');
  });
});
