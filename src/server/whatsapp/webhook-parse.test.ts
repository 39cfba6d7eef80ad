import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRawWebhook, parseWebhook } from './webhook-parse.ts';
import type { WebhookItem } from './webhook-parse.ts';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/whatsapp/', import.meta.url));
const WEBHOOKS = `${FIXTURES}webhooks/`;

function envelope(value: Record<string, unknown>, field = 'messages') {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA1', changes: [{ field, value: { messaging_product: 'whatsapp', ...value } }] }],
  };
}
const metadata = { display_phone_number: '15550001111', phone_number_id: 'PN1' };
const text = (id: string, from = '16505551234', extra: Record<string, unknown> = {}) => ({
  from,
  id,
  timestamp: '1750000000',
  type: 'text',
  text: { body: `hello ${id}` },
  ...extra,
});
const kinds = (items: WebhookItem[]) => items.map((i) => i.kind);

describe('parseWebhook', () => {
  it('normalizes a text message with its contact', () => {
    const items = parseWebhook(
      envelope({
        metadata,
        contacts: [{ profile: { name: 'Sheena' }, wa_id: '16505551234' }],
        messages: [text('wamid.A')],
      }),
    );
    expect(items).toEqual([
      {
        kind: 'message',
        wabaId: 'WABA1',
        phoneNumberId: 'PN1',
        displayPhoneNumber: '15550001111',
        contact: { waId: '16505551234', name: 'Sheena', userId: null },
        message: {
          wamid: 'wamid.A',
          from: '16505551234',
          timestamp: 1750000000,
          type: 'text',
          content: { body: 'hello wamid.A' },
          context: null,
          referral: null,
          errors: null,
          raw: text('wamid.A'),
          sanitized: [],
        },
      },
    ]);
  });

  it('iterates every entry, change, message and status, and matches contacts by wa_id', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'W1',
          changes: [
            {
              field: 'messages',
              value: {
                metadata,
                contacts: [
                  { profile: { name: 'A' }, wa_id: '111' },
                  { profile: { name: 'B' }, wa_id: '222' },
                ],
                messages: [text('m1', '222'), text('m2', '111')],
                statuses: [
                  { id: 's1', status: 'delivered', timestamp: '1750000001', recipient_id: '111' },
                  { id: 's2', status: 'read', timestamp: 1750000002, biz_opaque_callback_data: 'our-id' },
                ],
              },
            },
            { field: 'message_template_status_update', value: { event: 'APPROVED' } },
          ],
        },
        { id: 'W2', changes: [{ field: 'messages', value: { metadata, messages: [text('m3')] } }] },
      ],
    };
    const items = parseWebhook(body);
    expect(kinds(items)).toEqual(['message', 'message', 'status', 'status', 'field', 'message']);
    const [m1, m2, s1, s2, field, m3] = items;
    expect(m1?.kind === 'message' && m1.contact?.name).toBe('B');
    expect(m2?.kind === 'message' && m2.contact?.name).toBe('A');
    expect(s1?.kind === 'status' && s1.status.recipientId).toBe('111');
    expect(s2?.kind === 'status' && [s2.status.timestamp, s2.status.bizOpaqueCallbackData]).toEqual([
      1750000002,
      'our-id',
    ]);
    expect(field).toEqual({
      kind: 'field',
      wabaId: 'W1',
      field: 'message_template_status_update',
      value: { event: 'APPROVED' },
    });
    expect(m3?.kind === 'message' && [m3.wabaId, m3.contact]).toEqual(['W2', null]);
  });

  it('reports a bad message with its exact path and still returns its neighbours', () => {
    const value = {
      metadata,
      messages: [text('ok1'), { id: 'x', type: 'text', timestamp: '1' }, text('ok2')],
    };
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'W',
          changes: [
            { field: 'user_preferences', value: {} },
            { field: 'messages', value },
          ],
        },
      ],
    };
    const items = parseWebhook(body);
    expect(kinds(items)).toEqual(['field', 'message', 'invalid', 'message']);
    expect(items[2]).toMatchObject({ kind: 'invalid', path: 'entry[0].changes[1].value.messages[1]' });
    expect(items[2]?.kind === 'invalid' && items[2].reason).toMatch(/^from: is missing/);
  });

  it.each([
    [{ id: 'x', from: '1', type: 'text' }, /^timestamp: is missing/],
    [{ id: 'x', from: '1', type: 'text', timestamp: 'asdf' }, /^timestamp: must be unix seconds/],
    [{ from: '1', type: 'text', timestamp: '1' }, /^id: is missing/],
    [{ id: 'x', from: '1', timestamp: '1' }, /^type: is missing/],
    ['not an object', /expected object/i],
  ])('rejects message %j', (message, reason) => {
    const [item] = parseWebhook(envelope({ metadata, messages: [message] }));
    expect(item?.kind).toBe('invalid');
    expect(item?.kind === 'invalid' && item.reason).toMatch(reason);
  });

  it('rejects a wrong or missing object, a non-object body and a non-array entry with one item', () => {
    expect(parseWebhook({ object: 'page', entry: [] })).toEqual([
      {
        kind: 'invalid',
        reason: 'object: is "page", expected "whatsapp_business_account"',
        path: 'object',
        raw: { object: 'page', entry: [] },
      },
    ]);
    expect(parseWebhook({ entry: [] })[0]).toMatchObject({ kind: 'invalid', reason: /is missing/ });
    expect(parseWebhook(null)).toMatchObject([{ kind: 'invalid', path: '' }]);
    expect(parseWebhook([1])).toMatchObject([{ kind: 'invalid', path: '' }]);
    expect(parseWebhook({ object: 'whatsapp_business_account', entry: {} })).toMatchObject([
      { kind: 'invalid', path: 'entry' },
    ]);
    expect(parseWebhook({ object: 'whatsapp_business_account', entry: [] })).toEqual([]);
  });

  it('flags malformed changes and messages change values', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        { id: 'W', changes: 'nope' },
        {
          id: 'W',
          changes: [
            { value: {} },
            { field: 'messages', value: 3 },
            { field: 'messages', value: { messages: {} } },
          ],
        },
        { id: 'W', changes: [{ field: 'messages', value: { messages: [text('m')] } }] },
      ],
    };
    expect(parseWebhook(body).map((i) => (i.kind === 'invalid' ? i.path : i.kind))).toEqual([
      'entry[0].changes',
      'entry[1].changes[0]',
      'entry[1].changes[1].value',
      'entry[1].changes[2].value.messages',
      'entry[2].changes[0].value.metadata',
    ]);
  });

  it('turns value-level errors into account_error and an empty messages change into a field item', () => {
    const errors = [
      { code: 130429, title: 'Rate limit hit', error_data: { details: 'Too many' } },
      { code: '0', details: 'top' },
    ];
    expect(parseWebhook(envelope({ metadata, errors }))).toEqual([
      {
        kind: 'account_error',
        wabaId: 'WABA1',
        phoneNumberId: 'PN1',
        errors: [
          { code: 130429, title: 'Rate limit hit', message: null, details: 'Too many' },
          { code: 0, title: null, message: null, details: 'top' },
        ],
      },
    ]);
    expect(parseWebhook(envelope({ metadata }))).toMatchObject([{ kind: 'field', field: 'messages' }]);
    expect(parseWebhook(envelope({ errors }))).toMatchObject([
      { kind: 'account_error', phoneNumberId: null },
    ]);
  });

  it('identifies BSUID-only senders by from_user_id or by the single contact', () => {
    const contacts = [{ profile: { name: 'K' }, user_id: 'US.1' }];
    const viaFromUserId = parseWebhook(
      envelope({ metadata, contacts, messages: [{ ...text('a'), from: undefined, from_user_id: 'US.1' }] }),
    );
    expect(viaFromUserId).toMatchObject([
      { kind: 'message', message: { from: 'US.1' }, contact: { waId: '', userId: 'US.1', name: 'K' } },
    ]);
    const viaContact = parseWebhook(
      envelope({ metadata, contacts, messages: [{ ...text('b'), from: undefined }] }),
    );
    expect(viaContact).toMatchObject([{ kind: 'message', message: { from: 'US.1' } }]);
  });

  it('wraps array content, defaults missing content to {} and keeps context, referral and errors', () => {
    const cards = [{ name: { formatted_name: 'X' } }];
    const msgs = [
      { ...text('c'), type: 'contacts', text: undefined, contacts: cards },
      {
        ...text('u'),
        type: 'unsupported',
        text: undefined,
        errors: [{ code: 131051, title: 'Message type unknown' }],
      },
      { ...text('r'), context: { from: '1555', id: 'wamid.Q' }, referral: { source_type: 'ad' } },
    ];
    const items = parseWebhook(envelope({ metadata, messages: msgs }));
    expect(items.map((i) => (i.kind === 'message' ? i.message.content : null))).toEqual([
      { contacts: cards },
      {},
      { body: 'hello r' },
    ]);
    expect(items[1]).toMatchObject({
      message: { errors: [{ code: 131051, title: 'Message type unknown', details: null }] },
    });
    expect(items[2]).toMatchObject({
      message: { context: { id: 'wamid.Q' }, referral: { source_type: 'ad' } },
    });
  });

  it('never throws on hostile input', () => {
    const hostile: unknown[] = [
      undefined,
      0,
      'x',
      { object: 'whatsapp_business_account', entry: [null, [], 5] },
    ];
    const cyclic: Record<string, unknown> = { object: 'whatsapp_business_account' };
    cyclic.entry = [{ id: 'W', changes: [{ field: 'messages', value: cyclic }] }];
    hostile.push(cyclic);
    for (const body of hostile) expect(() => parseWebhook(body)).not.toThrow();
  });
});

describe('parseRawWebhook', () => {
  it('parses bytes and reports malformed JSON', () => {
    const good = Buffer.from(JSON.stringify(envelope({ metadata, messages: [text('m')] })));
    expect(kinds(parseRawWebhook(good))).toEqual(['message']);
    const [bad] = parseRawWebhook(Buffer.from('{"object":'));
    expect(bad).toMatchObject({ kind: 'invalid', path: '', raw: '{"object":' });
    expect(bad?.kind === 'invalid' && bad.reason).toMatch(/^malformed JSON: /);
  });
});

/** File name → the MANIFEST "exercises" text, for the webhooks/ table. */
function manifestNotes(): Map<string, string> {
  const manifest = readFileSync(`${FIXTURES}MANIFEST.md`, 'utf8');
  const section = manifest.split('## webhooks/')[1]?.split('\n## ')[0] ?? '';
  const notes = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`(.+\.json)`$/.exec(cells[1] ?? '')?.[1];
    if (name) notes.set(name, cells[4] ?? '');
  }
  return notes;
}

describe.skipIf(!existsSync(WEBHOOKS))('webhook fixtures (third-party corpus)', () => {
  const files = existsSync(WEBHOOKS)
    ? readdirSync(WEBHOOKS)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  const notes = existsSync(WEBHOOKS) ? manifestNotes() : new Map<string, string>();

  it.each(files)('%s', (file) => {
    const raw = readFileSync(`${WEBHOOKS}${file}`);
    const items = parseRawWebhook(raw);
    const note = notes.get(file) ?? '';
    const negative = note.includes('NEGATIVE');
    const edge = note.includes('EDGE');
    const invalid = items.filter((i) => i.kind === 'invalid');
    if (invalid.length > 0) {
      console.info(
        `${file} (${negative ? 'NEGATIVE' : edge ? 'EDGE' : 'plain'}): ${invalid.map((i) => i.kind === 'invalid' && `${i.path}: ${i.reason}`).join(' | ')}`,
      );
    }
    if (!negative) {
      expect(
        items.some((i) => i.kind !== 'invalid'),
        'yields at least one useful item',
      ).toBe(true);
    }
    if (!negative && !edge) expect(invalid).toEqual([]);
  });

  it('keeps every message of a batch, duplicates included, and every change', () => {
    const dup = parseRawWebhook(readFileSync(`${WEBHOOKS}122-batch-duplicate-messages.json`));
    expect(dup.map((i) => i.kind === 'message' && i.message.wamid)).toEqual(['external_id', 'external_id']);
    const two = parseRawWebhook(readFileSync(`${WEBHOOKS}124-batch-two-changes.json`));
    expect(two.map((i) => i.kind === 'message' && i.message.content)).toEqual([
      { body: 'MESSAGE_BODY' },
      { body: 'MESSAGE_BODY2' },
    ]);
  });

  it('rejects exactly the malformed negative fixtures', () => {
    const invalidOf = (f: string) =>
      parseRawWebhook(readFileSync(`${WEBHOOKS}${f}`)).filter((i) => i.kind === 'invalid');
    expect(invalidOf('164-text-invalid-timestamp.json')).toMatchObject([
      { path: 'entry[0].changes[0].value.messages[0]' },
    ]);
    expect(invalidOf('165-text-no-from.json')).toMatchObject([{ reason: /^from: is missing/ }]);
    expect(invalidOf('163-status-invalid-value.json')).toEqual([]); // unknown status names pass through
  });
});
