import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPhoneNumber } from '../../src/server/modules/phone-numbers/phone-numbers.service.ts';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';
import { postWebhook } from './helpers.ts';

/**
 * Every webhook body of the third-party conformance corpus (real payloads from Meta's OpenAPI spec and the test
 * suites of other Cloud API clients, plus deliberately odd EDGE/NEGATIVE ones) goes through the real receiver
 * and the real ingest: each is answered 200, journaled, processed, and every item in it is either applied or
 * dead-lettered with a reason — never a 5xx, never a stuck journal row, never an item silently dropped.
 */

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/fixtures/whatsapp',
);
const DIR = path.join(FIXTURES, 'webhooks');

type Obj = Record<string, unknown>;

/** Webhook fields that update the WABA's template cache. */
const TEMPLATE_FIELDS = new Set([
  'message_template_status_update',
  'message_template_quality_update',
  'template_category_update',
]);
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One thing a body asks us to do, found by walking the raw JSON independently of the server's parser. */
type Expected =
  | { kind: 'message'; path: string; wamid: unknown; phoneNumberId: unknown }
  | { kind: 'status'; path: string; wamid: unknown; status: unknown }
  | { kind: 'value_errors'; path: string }
  | { kind: 'field'; path: string; field: string; waba: string | null }
  | { kind: 'malformed'; path: string };

function expectedItems(body: unknown): Expected[] {
  if (!isObj(body) || body.object !== 'whatsapp_business_account' || !Array.isArray(body.entry))
    return [{ kind: 'malformed', path: '' }];
  const out: Expected[] = [];
  body.entry.forEach((entry, i) => {
    if (!isObj(entry) || !Array.isArray(entry.changes))
      return out.push({ kind: 'malformed', path: `entry[${i}]` });
    entry.changes.forEach((change, j) => {
      const cpath = `entry[${i}].changes[${j}]`;
      if (!isObj(change) || typeof change.field !== 'string')
        return out.push({ kind: 'malformed', path: cpath });
      const value = change.value;
      if (change.field !== 'messages')
        return out.push({
          kind: 'field',
          path: cpath,
          field: change.field,
          waba: typeof entry.id === 'string' ? entry.id : null,
        });
      if (!isObj(value)) return out.push({ kind: 'malformed', path: cpath });
      const pnid = isObj(value.metadata) ? value.metadata.phone_number_id : undefined;
      const messages = Array.isArray(value.messages) ? value.messages : [];
      const statuses = Array.isArray(value.statuses) ? value.statuses : [];
      messages.forEach((m, k) =>
        out.push({
          kind: 'message',
          path: `${cpath}.value.messages[${k}]`,
          wamid: isObj(m) ? m.id : undefined,
          phoneNumberId: pnid,
        }),
      );
      statuses.forEach((st, k) =>
        out.push({
          kind: 'status',
          path: `${cpath}.value.statuses[${k}]`,
          wamid: isObj(st) ? st.id : undefined,
          status: isObj(st) ? st.status : undefined,
        }),
      );
      const errors = Array.isArray(value.errors) ? value.errors : [];
      if (errors.length > 0) out.push({ kind: 'value_errors', path: `${cpath}.value.errors` });
      if (messages.length + statuses.length + errors.length === 0)
        out.push({ kind: 'field', path: cpath, field: 'messages', waba: null });
    });
  });
  return out;
}

/** Files the MANIFEST marks as deliberately odd (EDGE) or invalid (NEGATIVE). */
function markedFiles(): Map<string, string> {
  const manifest = path.join(FIXTURES, 'MANIFEST.md');
  const marked = new Map<string, string>();
  if (!fs.existsSync(manifest)) return marked;
  let section = '';
  for (const line of fs.readFileSync(manifest, 'utf8').split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3).trim();
    const m = /^\| `([^`]+\.json)` \|(.*)$/.exec(line);
    if (section === 'webhooks/' && m?.[1] && /\b(NEGATIVE|EDGE)\b/.test(m[2] ?? ''))
      marked.set(m[1], /NEGATIVE/.test(m[2] ?? '') ? 'NEGATIVE' : 'EDGE');
  }
  return marked;
}

const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.skipIf(!fs.existsSync(DIR))('the third-party webhook corpus through a running Tsunagi', () => {
  let s: RunningTsunagi;
  const files = fs.existsSync(DIR)
    ? fs
        .readdirSync(DIR)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  const bodies = new Map(files.map((f) => [f, fs.readFileSync(path.join(DIR, f))]));

  beforeAll(async () => {
    s = await startTestTsunagi();
    // Every business number the corpus talks about belongs to this workspace, so its messages can apply.
    const numbers = new Map<string, string | null>();
    for (const bytes of bodies.values()) {
      let body: unknown;
      try {
        body = JSON.parse(bytes.toString('utf8'));
      } catch {
        continue;
      }
      if (!isObj(body) || !Array.isArray(body.entry)) continue;
      for (const entry of body.entry) {
        if (!isObj(entry) || !Array.isArray(entry.changes)) continue;
        for (const change of entry.changes) {
          const pnid =
            isObj(change) && isObj(change.value) && isObj(change.value.metadata)
              ? change.value.metadata.phone_number_id
              : undefined;
          if (typeof pnid !== 'string' || pnid === '') continue;
          const waba = typeof entry.id === 'string' && /^\d+$/.test(entry.id) ? entry.id : null;
          if (!numbers.has(pnid) || (numbers.get(pnid) === null && waba)) numbers.set(pnid, waba);
        }
      }
    }
    for (const [pnid, waba] of numbers) {
      if (/^\d{1,32}$/.test(pnid)) {
        await s.addNumber({ phoneNumberId: pnid, wabaId: waba ?? '102290129340398' });
      } else {
        // Placeholder ids such as "PHONE_NUMBER_ID" cannot be registered through the API (numeric only);
        // registered underneath so their messages are applied rather than dead-lettered as unknown.
        await registerPhoneNumber(
          { db: s.t.ctx.db, clock: s.clock, secrets: s.t.ctx.secrets },
          s.workspaceId,
          {
            phoneNumberId: pnid,
            displayPhoneNumber: '+1 555 000 0000',
            wabaId: waba ?? '102290129340398',
            accessToken: 'fixture-token',
            mps: 80,
          },
          s.clock.now(),
        );
      }
    }
  });
  afterAll(async () => s?.close());

  async function postCorpus(): Promise<Map<string, number>> {
    const statuses = new Map<string, number>();
    for (const [file, bytes] of bodies) {
      const res = await postWebhook(s.t.url, bytes, { secret: s.t.ctx.appSecret ?? '' });
      statuses.set(file, res.status);
    }
    return statuses;
  }

  async function snapshot() {
    const db = s.t.ctx.db;
    const count = async (table: string) =>
      (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)).rows[0]?.n;
    const conversations = await db
      .selectFrom('conversations')
      .select(['id', 'unread_count', 'last_message_at', 'last_message_preview', 'last_inbound_at', 'status'])
      .orderBy('id')
      .execute();
    return {
      messages: await count('messages'),
      statusEvents: await count('message_status_events'),
      parked: await count('parked_statuses'),
      contacts: await count('contacts'),
      conversations: JSON.stringify(conversations),
    };
  }

  it('answers 200 to every body, processes it, and applies or dead-letters every item in it', async () => {
    expect(files.length).toBeGreaterThan(100);
    const statuses = await postCorpus();
    const notOk = [...statuses].filter(([, st]) => st !== 200);
    expect(notOk, 'every signed corpus body is acknowledged with 200').toEqual([]);
    await s.t.drain();

    const db = s.t.ctx.db;
    const events = await db
      .selectFrom('webhook_events')
      .select(['id', 'body', 'processed_at', 'error', 'attempts'])
      .orderBy('id')
      .execute();
    expect(events).toHaveLength(files.length);
    const byHash = new Map<string, typeof events>();
    for (const e of events) byHash.set(sha(e.body), [...(byHash.get(sha(e.body)) ?? []), e]);
    const letters = await db.selectFrom('dead_letters').selectAll().execute();
    const inbound = new Set(
      (
        await db
          .selectFrom('messages')
          .innerJoin('phone_numbers', 'phone_numbers.id', 'messages.phone_number_id')
          .select(['messages.wamid', 'phone_numbers.phone_number_id'])
          .where('messages.direction', '=', 'inbound')
          .execute()
      ).map((m) => `${m.phone_number_id}|${m.wamid}`),
    );
    const statusKeys = new Set([
      ...(await db.selectFrom('message_status_events').select(['wamid', 'status']).execute()).map(
        (r) => `${r.wamid}|${r.status}`,
      ),
      ...(await db.selectFrom('parked_statuses').select(['wamid', 'status']).execute()).map(
        (r) => `${r.wamid}|${r.status}`,
      ),
    ]);

    // A template update is applied when the WABA's template cache or its template history has it.
    const templateWabas = new Set([
      ...(await db.selectFrom('message_templates').select('waba_id').execute()).map((r) => r.waba_id),
      ...(await db.selectFrom('template_events').select('waba_id').execute()).map((r) => r.waba_id),
    ]);
    const accountWabas = new Set(
      (
        await db
          .selectFrom('phone_numbers')
          .select('waba_id')
          .where('account_event', 'is not', null)
          .execute()
      ).map((r) => r.waba_id),
    );
    const problems: string[] = [];
    const marked = markedFiles();
    for (const file of files) {
      const bytes = bodies.get(file) as Buffer;
      const evs = byHash.get(sha(bytes)) ?? [];
      if (evs.length === 0) {
        problems.push(`${file}: not journaled`);
        continue;
      }
      const body: unknown = JSON.parse(bytes.toString('utf8'));
      for (const ev of evs) {
        if (!ev.processed_at)
          problems.push(`${file}: journal row ${ev.id} not processed (error: ${ev.error})`);
        const mine = letters.filter((d) => Number(d.webhook_event_id) === ev.id);
        for (const d of mine) {
          if (!d.reason || d.reason.trim() === '')
            problems.push(`${file}: dead letter ${d.id} without a reason`);
          if (d.reason.startsWith('processing failed'))
            problems.push(`${file}: the whole body failed to process: ${d.reason}`);
        }
        const payloadOf = (d: (typeof mine)[number]) => (isObj(d.payload) ? d.payload : {});
        for (const item of expectedItems(body)) {
          const dead = (match: (d: (typeof mine)[number]) => boolean) => mine.some(match);
          switch (item.kind) {
            case 'message': {
              const applied = inbound.has(`${String(item.phoneNumberId)}|${String(item.wamid)}`);
              if (!applied && !dead((d) => d.path === item.path || payloadOf(d).id === item.wamid))
                problems.push(
                  `${file}: ${item.path} (message ${String(item.wamid)}) neither applied nor dead-lettered`,
                );
              break;
            }
            case 'status': {
              const applied = statusKeys.has(`${String(item.wamid)}|${String(item.status)}`);
              const deadLettered = dead(
                (d) =>
                  d.path === item.path ||
                  (payloadOf(d).id === item.wamid && payloadOf(d).status === item.status),
              );
              if (!applied && !deadLettered)
                problems.push(
                  `${file}: ${item.path} (status "${String(item.status)}" of ${String(item.wamid)}) neither applied/parked nor dead-lettered`,
                );
              break;
            }
            case 'value_errors':
              if (!dead((d) => d.reason.startsWith('account error')))
                problems.push(`${file}: ${item.path} not dead-lettered`);
              break;
            case 'field': {
              // user_preferences are applied to contacts (or dead-lettered for an unknown WABA); template updates
              // to the WABA's template cache and history; account updates to its verified numbers' health.
              const applied =
                item.field === 'user_preferences' ||
                (TEMPLATE_FIELDS.has(item.field) && templateWabas.has(item.waba ?? '')) ||
                (item.field === 'account_update' && accountWabas.has(item.waba ?? ''));
              const deadLettered = dead(
                (d) => d.reason.includes(item.field) || d.reason.startsWith('template update'),
              );
              if (!applied && !deadLettered)
                problems.push(
                  `${file}: ${item.path} (field ${item.field}) neither applied nor dead-lettered`,
                );
              break;
            }
            case 'malformed':
              if (mine.length === 0) problems.push(`${file}: malformed body without a dead letter`);
              break;
          }
        }
      }
      if (marked.has(file) && statuses.get(file) !== 200)
        problems.push(`${file} (${marked.get(file)}): not 200`);
    }
    expect(problems).toEqual([]);
    expect(marked.size, 'the MANIFEST marks EDGE/NEGATIVE webhook fixtures').toBeGreaterThan(5);
    expect((await fetch(`${s.t.url}/healthz`)).status).toBe(200);
  });

  it('is idempotent: the whole corpus again adds no message, status, contact or conversation change', async () => {
    await s.t.drain();
    const before = await snapshot();
    // The corpus reuses wamids across files (88 message items, 32 distinct per number): idempotency on wamid.
    expect(before.messages).toBeGreaterThanOrEqual(30);
    const statuses = await postCorpus();
    expect([...statuses.values()].every((st) => st === 200)).toBe(true);
    await s.t.drain();
    const pending = await s.t.ctx.db
      .selectFrom('webhook_events')
      .select('id')
      .where('processed_at', 'is', null)
      .execute();
    expect(pending).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });
});
