import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTsunagi, type RunningTsunagi } from '../support/tsunagi.ts';
import { customerWaId, postWebhook } from './helpers.ts';
import { settleIngest } from './helpers.ts';

/**
 * One bad item never costs another: signed bodies mixing good and poisoned items (U+0000, lone surrogates,
 * huge strings, wrong types, unknown types and fields) go through the real webhook route and ingest. Every
 * good item is stored exactly once — with U+FFFD and a `sanitized` record where its text could not be stored
 * as sent — and every bad one is dead-lettered with a reason, whatever its place in the body.
 */

type Obj = Record<string, unknown>;

/** An independent oracle for the replacement: U+0000 → U+FFFD, lone surrogates → U+FFFD (ES2024). */
const expectedText = (s: string): string =>
  (s.replaceAll('\u0000', '\ufffd') as unknown as { toWellFormed(): string }).toWellFormed();

/** A placeholder that {@link serialize} writes as `[[[…]]]` nested 20,000 deep (too deep for JSON.stringify). */
const DEEP = '\u2063deeply-nested\u2063';
const deeplyNested = (_depth: 20_000) => DEEP;
/** The body's JSON text, with every {@link DEEP} placeholder written as valid 20,000-deep JSON. */
const serialize = (value: unknown): string =>
  JSON.stringify(value).replaceAll(JSON.stringify(DEEP), '['.repeat(20_000) + ']'.repeat(20_000));

describe('webhook bodies mixing good and poisoned items', () => {
  let s: RunningTsunagi;
  let secret: string;
  let pnid: string;
  let seq = 0;
  const nextWamid = () => `wamid.POISON${String(++seq).padStart(8, '0')}`;
  const now = () => Math.floor(s.clock.nowMs() / 1000);

  beforeAll(async () => {
    s = await startTestTsunagi();
    secret = s.t.ctx.appSecret ?? '';
    pnid = (await s.addNumber({ phoneNumberId: '106540352209999' })).phoneNumberId;
  });
  afterAll(async () => s?.close());

  const textMessage = (wamid: string, text: string, from = customerWaId(seq % 40)): Obj => ({
    from,
    id: wamid,
    timestamp: String(now()),
    type: 'text',
    text: { body: text },
  });

  const body = (changes: Obj[]): Obj => ({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes }],
  });
  const messagesChange = (messages: Obj[], statuses: Obj[] = [], contacts?: Obj[]): Obj => ({
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: pnid },
      contacts: contacts ?? messages.map((m) => ({ profile: { name: 'Customer' }, wa_id: m.from })),
      messages,
      statuses,
    },
  });

  async function storedMessages(wamid: string) {
    return s.t.ctx.db.selectFrom('messages').select(['content']).where('wamid', '=', wamid).execute();
  }

  /** Dead letters whose payload mentions `marker`, and dead letters that gave up on a whole body. */
  async function deadLettersMentioning(marker: string) {
    return s.t.ctx.db
      .selectFrom('dead_letters')
      .select(['reason', 'path'])
      .where(sql<boolean>`strpos(payload::text, ${marker}) > 0`)
      .execute();
  }

  it('stores the valid fourth message of [good, NUL text, lone surrogate text, good] (finding 6)', async () => {
    const wamids = [nextWamid(), nextWamid(), nextWamid(), nextWamid()];
    const texts = ['最初', 'a\u0000b', 'c\ud800d', '最後'];
    const raw = serialize(body([messagesChange(wamids.map((w, i) => textMessage(w, texts[i] ?? '')))]));
    expect(raw).toContain('\\u0000');
    expect(raw).toContain('\\ud800');
    expect((await postWebhook(s.t.url, raw, { secret })).status).toBe(200);
    await settleIngest(s);
    const bodies = await Promise.all(
      wamids.map(async (w) =>
        (await storedMessages(w)).map((m) => (m.content as { text?: { body?: string } }).text?.body),
      ),
    );
    expect(bodies).toEqual([['最初'], ['a\ufffdb'], ['c\ufffdd'], ['最後']]);
    const [second] = await storedMessages(wamids[1] ?? '');
    expect(second?.content).toMatchObject({ sanitized: ['text.body'] });
    const [first] = await storedMessages(wamids[0] ?? '');
    expect(first?.content).not.toHaveProperty('sanitized');
    const failed = await s.t.ctx.db
      .selectFrom('dead_letters')
      .select('reason')
      .where('reason', 'like', 'processing failed%')
      .execute();
    expect(failed).toEqual([]);
  });

  it('applies the items after one the database refuses; only that item is dead-lettered', async () => {
    const [before, bad, nul, after] = [nextWamid(), nextWamid(), nextWamid(), nextWamid()];

    const raw = serialize(
      body([
        messagesChange([
          textMessage(before, 'good'),
          {
            ...textMessage(bad, `marker-${bad}`),
            text: { body: `marker-${bad}`, extra: deeplyNested(20_000) },
          },
          textMessage(nul, 'n\u0000l'),
          textMessage(after, 'good'),
        ]),
      ]),
    );
    expect((await postWebhook(s.t.url, raw, { secret })).status).toBe(200);
    await settleIngest(s);
    for (const w of [before, nul, after]) expect(await storedMessages(w), w).toHaveLength(1);
    expect(await storedMessages(bad)).toHaveLength(0);
    const letters = await deadLettersMentioning(`marker-${bad}`);
    expect(letters).toHaveLength(1);
    expect(letters[0]?.reason).toMatch(/^not storable: /);
  });

  /** One generated item: what to put in the body and what must follow from it. */
  type Gen =
    | { kind: 'message'; message: Obj; wamid: string; text: string | null }
    | { kind: 'bad-message'; message: Obj; marker: string }
    | { kind: 'status'; status: Obj; wamid: string; statusName: string }
    | { kind: 'bad-change'; change: Obj; marker: string };

  const piece = fc.constantFrom(
    'a',
    'Z',
    'あ',
    '漢',
    '😀',
    ' ',
    '"',
    '\\',
    '\n',
    '\u0000',
    '\ud800',
    '\udc00',
    '\ud83d',
    '\\u0000',
  );
  const hostileText = fc.array(piece, { minLength: 0, maxLength: 24 }).map((a) => a.join(''));
  const markerOf = () => `marker-${++seq}`;

  const item: fc.Arbitrary<() => Gen> = fc.oneof(
    // A text message: plain, or with NUL / lone surrogates (storable once replaced).
    hostileText.map((text) => (): Gen => {
      const wamid = nextWamid();
      return { kind: 'message', message: textMessage(wamid, text), wamid, text };
    }),
    // A huge text (200 kB): stored as is.
    fc.constant((): Gen => {
      const wamid = nextWamid();
      const text = '長'.repeat(200_000);
      return { kind: 'message', message: textMessage(wamid, text), wamid, text };
    }),
    // A message type this code does not know yet: stored as sent (Meta adds types).
    hostileText.map((text) => (): Gen => {
      const wamid = nextWamid();
      const message: Obj = { ...textMessage(wamid, ''), type: 'hologram', hologram: { caption: text } };
      delete message.text;
      return { kind: 'message', message, wamid, text: null };
    }),
    // Wrong types and values the database cannot index: dead-lettered.
    fc
      .constantFrom<Array<(m: Obj) => void>>(
        (m) => (m.id = 12345),
        (m) => (m.timestamp = { seconds: 1 }),
        (m) => delete m.type,
        (m) => (m.from = 42),
        (m) => (m.id = `wamid.${'w'.repeat(10_000)}`),
        (m) => (m.timestamp = 99_999_999_999_999),
        (m) => ((m.text as Obj).extra = deeplyNested(20_000)),
      )
      .map((mutate) => (): Gen => {
        const marker = markerOf();
        const message = textMessage(nextWamid(), marker);
        mutate(message);
        return { kind: 'bad-message', message, marker };
      }),
    // A status of a message not sent yet (parked until it is), with hostile error text.
    hostileText.map((details) => (): Gen => {
      const wamid = nextWamid();
      const status = {
        id: wamid,
        status: 'failed',
        timestamp: String(now()),
        recipient_id: customerWaId(1),
        errors: [{ code: 131026, title: details, error_data: { details } }],
      };
      return { kind: 'status', status, wamid, statusName: 'failed' };
    }),
    // A change field nobody handles, or a messages change whose value is not an object.
    hostileText.map((text) => (): Gen => {
      const marker = markerOf();
      const change = { field: 'hologram_update', value: { marker, text } };
      return { kind: 'bad-change', change, marker };
    }),
  );

  it('stores every good item exactly once and dead-letters every bad one with a reason (property)', async () => {
    const seed = 20261204;
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        async (makers, oneChange, postTwice) => {
          const gens = makers.map((make) => make());
          const messages = gens.flatMap((g) =>
            g.kind === 'message' || g.kind === 'bad-message' ? [g.message] : [],
          );
          const statuses = gens.flatMap((g) => (g.kind === 'status' ? [g.status] : []));
          const odd = gens.flatMap((g) => (g.kind === 'bad-change' ? [g.change] : []));
          const changes = oneChange
            ? [messagesChange(messages, statuses), ...odd]
            : gens.map((g) =>
                g.kind === 'bad-change'
                  ? g.change
                  : g.kind === 'status'
                    ? messagesChange([], [g.status], [])
                    : messagesChange([g.message]),
              );
          const raw = serialize(body(changes));
          for (let i = 0; i < (postTwice ? 2 : 1); i++)
            expect((await postWebhook(s.t.url, raw, { secret })).status).toBe(200);
          await settleIngest(s);

          for (const g of gens) {
            if (g.kind === 'message') {
              const rows = await storedMessages(g.wamid);
              expect(rows, `message ${g.wamid}`).toHaveLength(1);
              const content = rows[0]?.content as Obj & { text?: { body?: string } };
              if (g.text !== null) {
                expect(content.text?.body).toBe(expectedText(g.text));
                if (expectedText(g.text) !== g.text) expect(content.sanitized).toEqual(['text.body']);
                else expect(content).not.toHaveProperty('sanitized');
              }
            } else if (g.kind === 'status') {
              const parked = await s.t.ctx.db
                .selectFrom('parked_statuses')
                .select('payload')
                .where('wamid', '=', g.wamid)
                .execute();
              expect(parked, `status ${g.wamid}`).toHaveLength(1);
            } else {
              const letters = await deadLettersMentioning(g.marker);
              expect(letters.length, `dead letter for ${g.marker}`).toBeGreaterThanOrEqual(1);
              for (const d of letters) expect(d.reason.trim()).not.toBe('');
            }
          }
          const gaveUp = await s.t.ctx.db
            .selectFrom('dead_letters')
            .select('reason')
            .where('reason', 'like', 'processing failed%')
            .execute();
          expect(gaveUp).toEqual([]);
        },
      ),
      { seed, numRuns: 20, endOnFailure: true },
    );
  });
});
