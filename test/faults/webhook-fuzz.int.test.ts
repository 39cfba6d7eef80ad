import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringifyAsciiJson } from '../../src/lib/json.ts';
import { signBody } from '../../src/server/whatsapp/signature.ts';
import { WEBHOOK_BODY_LIMIT } from '../../src/server/http/webhooks.routes.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';
import { Rng, customerWaId, postWebhook, textWebhook } from './helpers.ts';
import { settleIngest } from './helpers.ts';

/**
 * Hostile and broken webhook POSTs against the real receiver and ingest: bad signatures are refused before
 * anything is stored, oversized bodies are refused before they are read, and everything signed — however
 * malformed — is journaled, processed and dead-lettered with a reason, while the valid items beside it still
 * apply. The server stays up throughout and no journal row is left behind.
 */

type Obj = Record<string, unknown>;
const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('hostile webhook bodies', () => {
  let s: RunningTsunagi;
  let secret: string;
  let pnid: string;
  let seq = 0;
  const nextWamid = () => `wamid.FUZZ${String(++seq).padStart(8, '0')}`;
  const valid = (over: Partial<Parameters<typeof textWebhook>[0]> = {}): Obj =>
    textWebhook({
      phoneNumberId: pnid,
      from: customerWaId(seq % 50),
      wamid: nextWamid(),
      text: 'こんにちは',
      timestamp: Math.floor(s.clock.nowMs() / 1000),
      ...over,
    });
  /** The first message object of a body built by `valid()`. */
  const messageOf = (body: Obj) =>
    ((((body.entry as Obj[])[0]?.changes as Obj[])[0]?.value as Obj).messages as Obj[])[0] as Obj;
  const valueOf = (body: Obj) => ((body.entry as Obj[])[0]?.changes as Obj[])[0]?.value as Obj;

  beforeAll(async () => {
    s = await startTestTsunagi();
    secret = s.t.ctx.appSecret ?? '';
    pnid = (await s.addNumber({ phoneNumberId: '106540352200001' })).phoneNumberId;
  });
  afterAll(async () => s?.close());

  const journalCount = async () =>
    Number(
      (
        await s.t.ctx.db
          .selectFrom('webhook_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n ?? 0,
    );

  async function eventsByHash(): Promise<
    Map<string, { id: number; processed: boolean; error: string | null }>
  > {
    const rows = await s.t.ctx.db
      .selectFrom('webhook_events')
      .select(['id', 'body', 'processed_at', 'error'])
      .execute();
    return new Map(
      rows.map((r) => [sha(r.body), { id: r.id, processed: r.processed_at !== null, error: r.error }]),
    );
  }

  async function deadLettersOf(eventId: number) {
    return s.t.ctx.db
      .selectFrom('dead_letters')
      .selectAll()
      .where('webhook_event_id', '=', eventId)
      .execute();
  }

  async function hasMessage(wamid: unknown): Promise<boolean> {
    const row = await s.t.ctx.db
      .selectFrom('messages')
      .select('id')
      .where('wamid', '=', String(wamid))
      .executeTakeFirst();
    return row !== undefined;
  }

  it('refuses missing, wrong and misplaced signatures with 403 and journals nothing', async () => {
    const body = Buffer.from(JSON.stringify(valid()));
    const other = Buffer.from(JSON.stringify(valid()));
    const before = await journalCount();
    const cases: Array<[string, string | null]> = [
      ['missing', null],
      ['empty', ''],
      ['zeros', 'sha256=' + '0'.repeat(64)],
      ['other bytes', signBody(secret, other)],
      ['other secret', signBody(secret + 'x', body)],
      ['sha1 scheme', 'sha1=' + createHash('sha1').update(body).digest('hex')],
      ['truncated digest', signBody(secret, body).slice(0, 40)],
      ['no prefix', signBody(secret, body).slice('sha256='.length)],
      ['not hex', 'sha256=' + 'z'.repeat(64)],
      ['empty secret', signBody('', body)],
    ];
    for (const [name, signature] of cases) {
      const res = await postWebhook(s.t.url, body, { signature });
      expect(res.status, name).toBe(403);
      expect(JSON.parse(res.text), name).toMatchObject({ error: { code: 'invalid_signature' } });
    }
    // A body that is not JSON and not signed is refused the same way (nothing is parsed before the check).
    expect((await postWebhook(s.t.url, Buffer.from([0xff, 0x00, 0x7b]), { signature: null })).status).toBe(
      403,
    );
    expect((await postWebhook(s.t.url, Buffer.alloc(0), { signature: null })).status).toBe(403);
    expect(await journalCount()).toBe(before);
  });

  it('refuses a body over 3 MB with 413 before journaling it, and accepts one of exactly 3 MB', async () => {
    const before = await journalCount();
    const base = JSON.stringify(valid());
    const exact = Buffer.from(base + ' '.repeat(WEBHOOK_BODY_LIMIT - Buffer.byteLength(base)));
    expect(exact.length).toBe(WEBHOOK_BODY_LIMIT);
    const over = Buffer.concat([exact, Buffer.from(' ')]);
    const huge = Buffer.alloc(WEBHOOK_BODY_LIMIT + 512 * 1024, 0x20);
    expect((await postWebhook(s.t.url, over, { secret })).status).toBe(413);
    expect((await postWebhook(s.t.url, huge, { secret })).status).toBe(413);
    expect((await postWebhook(s.t.url, huge, { signature: null })).status).toBe(413);
    expect(await journalCount()).toBe(before);
    expect((await postWebhook(s.t.url, exact, { secret })).status).toBe(200);
    expect(await journalCount()).toBe(before + 1);
    await settleIngest(s);
    expect(await hasMessage(messageOf(JSON.parse(base) as Obj).id)).toBe(true);
  });

  it('verifies raw UTF-8 and \\u-escaped bodies when each is signed over its exact bytes', async () => {
    const text = 'こんにちは、在庫はありますか？ 🙏 — ¿qué tal?';
    const raw = valid({ text });
    const escaped = valid({ text });
    const rawBytes = Buffer.from(JSON.stringify(raw), 'utf8');
    const escapedBytes = Buffer.from(stringifyAsciiJson(escaped), 'utf8');
    expect(escapedBytes.toString('utf8')).toMatch(/\\ud83d\\ude4f/);
    expect(rawBytes.toString('utf8')).toContain('🙏');
    expect((await postWebhook(s.t.url, rawBytes, { secret })).status).toBe(200);
    expect((await postWebhook(s.t.url, escapedBytes, { secret })).status).toBe(200);
    // Signed over one encoding, sent in the other: the bytes differ, so the signature does not match.
    const crossed = Buffer.from(stringifyAsciiJson(raw), 'utf8');
    expect((await postWebhook(s.t.url, crossed, { signature: signBody(secret, rawBytes) })).status).toBe(403);
    await settleIngest(s);
    for (const body of [raw, escaped]) {
      const row = await s.t.ctx.db
        .selectFrom('messages')
        .select('content')
        .where('wamid', '=', String(messageOf(body).id))
        .executeTakeFirstOrThrow();
      expect(row.content).toMatchObject({ type: 'text', text: { body: text } });
    }
  });

  it('journals, processes and dead-letters malformed and mistyped bodies; valid siblings still apply', async () => {
    const rng = new Rng(20260302);
    /** A body whose first entry is `bad` and whose second entry is a valid message (when `sibling`). */
    const withSibling = (badEntry: unknown): { body: Obj; sibling: unknown } => {
      const good = valid();
      const entries = good.entry as unknown[];
      return { body: { ...good, entry: [badEntry, ...entries] }, sibling: messageOf(good).id };
    };
    const mistype = (mutate: (body: Obj) => void): { body: Obj; sibling: unknown } => {
      const bad = valid();
      mutate(bad);
      return withSibling((bad.entry as unknown[])[0]);
    };
    /** `lenient`: the server may apply it (lossy decoding, tolerated shapes) rather than dead-letter it. */
    const cases: Array<{ name: string; bytes: Buffer; sibling?: unknown; lenient?: boolean }> = [];
    const add = (name: string, x: { body: Obj; sibling: unknown } | Buffer | string, lenient = false) => {
      if (Buffer.isBuffer(x)) cases.push({ name, bytes: x, lenient });
      else if (typeof x === 'string') cases.push({ name, bytes: Buffer.from(x, 'utf8'), lenient });
      else cases.push({ name, bytes: Buffer.from(JSON.stringify(x.body)), sibling: x.sibling, lenient });
    };
    const good = JSON.stringify(valid());
    add('truncated JSON', good.slice(0, Math.floor(good.length / 2)));
    add('truncated by one byte', good.slice(0, -1));
    add('random bytes', Buffer.from(Array.from({ length: 2048 }, () => rng.int(256))));
    add('empty body', Buffer.alloc(0));
    add('whitespace only', '   \n\t ');
    add('byte order mark', '\ufeff' + good);
    add('JSON null', 'null');
    add('JSON array', '[1,2,3]');
    add('JSON string', '"whatsapp_business_account"');
    add('JSON number', '12345');
    add('deep nesting', '['.repeat(50_000) + ']'.repeat(50_000));
    // Decoded leniently (U+FFFD), as Meta's own bodies are always valid UTF-8.
    add(
      'invalid UTF-8 in a string',
      Buffer.concat([
        Buffer.from(good.slice(0, good.indexOf('こ'))),
        Buffer.from([0xc3, 0x28, 0xa0, 0xa1]),
        Buffer.from(good.slice(good.indexOf('こ') + 1)),
      ]),
      true,
    );
    add('object is "page"', JSON.stringify({ ...valid(), object: 'page' }));
    add('object missing', JSON.stringify({ entry: valid().entry }));
    add('entry not an array', JSON.stringify({ ...valid(), entry: { id: '1', changes: [] } }));
    add('entry null', JSON.stringify({ ...valid(), entry: null }));
    add('entry item a string', withSibling('entry'));
    add('changes not an array', withSibling({ id: '1', changes: 'messages' }));
    add('change without field', withSibling({ id: '1', changes: [{ value: {} }] }));
    add(
      'value null',
      mistype((b) => (((b.entry as Obj[])[0] as Obj).changes = [{ field: 'messages', value: null }])),
    );
    add(
      'messages a string',
      mistype((b) => (valueOf(b).messages = 'hello')),
    );
    add(
      'messages an object',
      mistype((b) => (valueOf(b).messages = { id: 'x' })),
    );
    add(
      'statuses a number',
      mistype((b) => (valueOf(b).statuses = 42)),
    );
    add(
      'metadata missing',
      mistype((b) => delete valueOf(b).metadata),
    );
    add(
      'phone_number_id a number',
      mistype((b) => ((valueOf(b).metadata as Obj).phone_number_id = 106540352200001)),
    );
    add(
      'contacts a string',
      mistype((b) => (valueOf(b).contacts = 'x')),
      true,
    );
    add(
      'timestamp an object',
      mistype((b) => (messageOf(b).timestamp = { seconds: 1 })),
    );
    add(
      'timestamp negative',
      mistype((b) => (messageOf(b).timestamp = -5)),
    );
    add(
      'timestamp a float',
      mistype((b) => (messageOf(b).timestamp = 1.5)),
    );
    add(
      'timestamp not digits',
      mistype((b) => (messageOf(b).timestamp = 'asdf')),
    );
    add(
      'id a number',
      mistype((b) => (messageOf(b).id = 12345)),
    );
    add(
      'id missing',
      mistype((b) => delete messageOf(b).id),
    );
    add(
      'type missing',
      mistype((b) => delete messageOf(b).type),
    );
    add(
      'text an array',
      mistype((b) => (messageOf(b).text = ['a'])),
      true,
    );
    add(
      'text body an object',
      mistype((b) => (messageOf(b).text = { body: { a: 1 } })),
      true,
    );
    add(
      'message null',
      mistype((b) => (valueOf(b).messages = [null])),
    );
    add(
      'status fields missing',
      mistype((b) => (valueOf(b).statuses = [{ id: 'wamid.x' }])),
    );
    add(
      'errors not an array',
      mistype((b) => (valueOf(b).errors = 'boom')),
    );
    const batch = valid();
    valueOf(batch).messages = Array.from({ length: 1000 }, (_, i) => ({
      from: customerWaId(1000 + (i % 200)),
      id: `wamid.BATCH${String(i).padStart(5, '0')}`,
      timestamp: String(Math.floor(s.clock.nowMs() / 1000) + (i % 7)),
      type: 'text',
      text: { body: `一括 ${i}` },
    }));
    add('1,000 messages in one body', JSON.stringify(batch));

    for (const c of cases) {
      const res = await postWebhook(s.t.url, c.bytes, { secret });
      expect(res.status, c.name).toBe(200);
    }
    await settleIngest(s);
    const events = await eventsByHash();
    const problems: string[] = [];
    for (const c of cases) {
      const ev = events.get(sha(c.bytes));
      if (!ev) {
        problems.push(`${c.name}: not journaled`);
        continue;
      }
      if (!ev.processed) problems.push(`${c.name}: not processed (${ev.error})`);
      const letters = await deadLettersOf(ev.id);
      if (c.name.startsWith('1,000')) {
        if (letters.length > 0) problems.push(`${c.name}: ${letters.length} dead letters`);
        continue;
      }
      if (letters.length === 0 && !c.lenient) problems.push(`${c.name}: no dead letter`);
      for (const d of letters) {
        if (!d.reason.trim()) problems.push(`${c.name}: dead letter without a reason`);
        if (d.reason.startsWith('processing failed'))
          problems.push(`${c.name}: whole body failed: ${d.reason}`);
      }
      if (c.sibling !== undefined && !(await hasMessage(c.sibling)))
        problems.push(`${c.name}: the valid message beside the bad entry was not applied`);
    }
    expect(problems).toEqual([]);
    const batchCount = await s.t.ctx.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('wamid', 'like', 'wamid.BATCH%')
      .executeTakeFirst();
    expect(Number(batchCount?.n)).toBe(1000);
  });

  it('keeps messages with NUL characters (replaced by U+FFFD), which PostgreSQL cannot store as such', async () => {
    const cases: Array<[string, Obj, string]> = [];
    const text = valid();
    messageOf(text).text = { body: 'a\u0000b' };
    cases.push(['NUL in the text', text, 'a\ufffdb']);
    const named = valid({ name: 'x\u0000y' });
    cases.push(['NUL in the profile name', named, String((messageOf(named).text as { body: string }).body)]);
    for (const [name, body] of cases)
      expect((await postWebhook(s.t.url, Buffer.from(JSON.stringify(body)), { secret })).status, name).toBe(
        200,
      );
    await settleIngest(s);
    for (const [name, body, expected] of cases) {
      const row = await s.t.ctx.db
        .selectFrom('messages')
        .select('content')
        .where('wamid', '=', String(messageOf(body).id))
        .executeTakeFirst();
      expect((row?.content as { text?: { body?: string } } | undefined)?.text?.body, name).toBe(expected);
    }
    const named2 = await s.t.ctx.db
      .selectFrom('contacts')
      .select('profile_name')
      .where('profile_name', '=', 'x\ufffdy')
      .executeTakeFirst();
    expect(named2?.profile_name).toBe('x\ufffdy');
  });

  it('dead-letters only the item the database cannot store; the valid items of the same body still apply', async () => {
    // Each body: one hostile message followed by a valid one, in the same change. JSON allows all of these;
    // PostgreSQL refuses btree index rows over ~2.7 kB and times beyond year 294276.
    const hostile: Array<[string, (m: Obj) => void]> = [
      ['a 10 kB wamid', (m) => (m.id = 'wamid.' + randomText(new Rng(7), 10_000))],
      ['a 10 kB sender', (m) => (m.from = '81' + randomDigits(new Rng(11), 10_000))],
      ['timestamp beyond JavaScript dates', (m) => (m.timestamp = 99_999_999_999_999)],
    ];
    const cases: Array<{ name: string; bytes: Buffer; validWamid: unknown }> = [];
    for (const [name, mutate] of hostile) {
      const body = valid();
      const bad = messageOf(body);
      mutate(bad);
      const good = messageOf(valid());
      good.from = customerWaId(4242);
      valueOf(body).messages = [bad, good];
      cases.push({ name, bytes: Buffer.from(JSON.stringify(body)), validWamid: good.id });
    }
    for (const c of cases) expect((await postWebhook(s.t.url, c.bytes, { secret })).status, c.name).toBe(200);
    await settleIngest(s);
    const events = await eventsByHash();
    const problems: string[] = [];
    for (const c of cases) {
      const ev = events.get(sha(c.bytes));
      if (!ev?.processed) problems.push(`${c.name}: not processed (${ev?.error ?? 'not journaled'})`);
      if (!(await hasMessage(c.validWamid)))
        problems.push(
          `${c.name}: the valid message of the same body was not applied (${ev?.error ?? ''})`.slice(0, 300),
        );
      const letters = ev ? await deadLettersOf(ev.id) : [];
      if (letters.length === 0) problems.push(`${c.name}: the hostile message was not dead-lettered`);
      if (letters.some((d) => d.reason.startsWith('processing failed')))
        problems.push(`${c.name}: the whole body was dead-lettered after repeated failures`);
    }
    expect(problems).toEqual([]);
  });

  it('attributes every dead letter to the journal row its item came from', async () => {
    // Processed in one batch: a valid message first, then items that cannot apply, each in its own body.
    const first = Buffer.from(JSON.stringify(valid()));
    const unknownNumber = Buffer.from(JSON.stringify(valid({ phoneNumberId: '999000111222333' })));
    const preferences = Buffer.from(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '999999999999999',
            changes: [
              {
                field: 'user_preferences',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550000000', phone_number_id: '999000111222334' },
                  user_preferences: [
                    { wa_id: customerWaId(1), category: 'marketing_messages', value: 'stop' },
                  ],
                },
              },
            ],
          },
        ],
      }),
    );
    for (const bytes of [first, unknownNumber, preferences])
      expect((await postWebhook(s.t.url, bytes, { secret })).status).toBe(200);
    await settleIngest(s);
    const events = await eventsByHash();
    const problems: string[] = [];
    for (const [name, bytes] of [
      ['unknown phone number', unknownNumber],
      ['user_preferences of an unknown WABA', preferences],
    ] as const) {
      const ev = events.get(sha(bytes));
      if (!ev || (await deadLettersOf(ev.id)).length === 0)
        problems.push(`${name}: no dead letter on its own journal row ${ev?.id}`);
    }
    const firstEvent = events.get(sha(first));
    if (firstEvent && (await deadLettersOf(firstEvent.id)).length > 0)
      problems.push(`the valid body's journal row ${firstEvent.id} carries another body's dead letter`);
    expect(problems).toEqual([]);
  });

  it('survives a few hundred seeded mutations of a valid payload, answering 4xx or 200 and processing all', async () => {
    const rng = new Rng(0x7453_6e67);
    const replacements: unknown[] = [
      null,
      true,
      false,
      0,
      -1,
      1.5,
      1e21,
      '',
      'x',
      '😀',
      'ｱｲｳ',
      [],
      {},
      [1, 'a'],
      { a: { b: [] } },
      '1700000000',
      'whatsapp_business_account',
      'messages',
      'text',
    ];
    const mutations: Buffer[] = [];
    for (let n = 0; n < 300; n++) {
      const body = valid({ from: customerWaId(2000 + rng.int(100)) });
      const op = rng.int(10);
      if (op < 7) {
        for (let k = 0; k <= rng.int(3); k++) mutateTree(body, rng, replacements);
        mutations.push(Buffer.from(rng.int(2) ? JSON.stringify(body) : stringifyAsciiJson(body)));
      } else {
        const bytes = Buffer.from(JSON.stringify(body));
        const at = rng.int(bytes.length);
        if (op === 7) mutations.push(bytes.subarray(0, at));
        else if (op === 8) {
          bytes[at] = (bytes[at] as number) ^ (1 << rng.int(8));
          mutations.push(bytes);
        } else
          mutations.push(
            Buffer.concat([bytes.subarray(0, at), Buffer.from([rng.int(256)]), bytes.subarray(at)]),
          );
      }
    }
    const results = new Map<number, number>();
    for (const bytes of mutations) {
      const { status } = await postWebhook(s.t.url, bytes, { secret });
      results.set(status, (results.get(status) ?? 0) + 1);
    }
    expect([...results.keys()].filter((st) => st >= 500 || (st !== 200 && st < 400))).toEqual([]);
    await settleIngest(s);
    const events = await eventsByHash();
    const problems: string[] = [];
    for (const [i, bytes] of mutations.entries()) {
      const ev = events.get(sha(bytes));
      if (!ev) continue; // refused with a 4xx
      if (!ev.processed) problems.push(`mutation ${i}: not processed (${ev.error})`);
      for (const d of await deadLettersOf(ev.id)) {
        if (!d.reason.trim()) problems.push(`mutation ${i}: dead letter without a reason`);
        if (d.reason.startsWith('processing failed'))
          problems.push(`mutation ${i}: whole body failed: ${d.reason}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('is still up and has nothing left to process', async () => {
    expect((await fetch(`${s.t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${s.t.url}/readyz`)).status).toBe(200);
    await settleIngest(s);
    const left = await s.t.ctx.db
      .selectFrom('webhook_events')
      .select('id')
      .where('processed_at', 'is', null)
      .execute();
    expect(left).toEqual([]);
  });
});

function randomDigits(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String(rng.int(10));
  return out;
}

function randomText(rng: Rng, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[rng.int(alphabet.length)];
  return out;
}

/** Replaces, deletes or duplicates one random node of a JSON tree (in place). */
function mutateTree(root: Obj, rng: Rng, replacements: unknown[]): void {
  const nodes: Array<{ parent: Obj | unknown[]; key: string | number }> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => {
        nodes.push({ parent: node, key: i });
        walk(v);
      });
    } else if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) {
        nodes.push({ parent: node as Obj, key: k });
        walk(v);
      }
    }
  };
  walk(root);
  const target = rng.pick(nodes);
  const op = rng.int(4);
  if (Array.isArray(target.parent)) {
    const i = target.key as number;
    if (op === 0) target.parent.splice(i, 1);
    else if (op === 1) target.parent.splice(i, 0, structuredClone(target.parent[i]));
    else target.parent[i] = structuredClone(rng.pick(replacements));
  } else {
    const k = target.key as string;
    if (op === 0) delete target.parent[k];
    else target.parent[k] = structuredClone(rng.pick(replacements));
  }
}
