import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphErrorBodySchema as graphErrorBodySchema } from '../../src/contracts/whatsapp/graph-error.schemas.ts';
import { FIXTURES, NUMBER, hasFixtures, startHarness } from './helpers.ts';
import type { Harness } from './helpers.ts';

/**
 * Conformance against third-party send bodies and Graph error bodies (read from outside the repo, never copied).
 * Bodies with placeholder recipients or invalid shapes must get a Graph-shaped 4xx; valid ones are accepted;
 * nothing may produce a 5xx.
 */

const read = (dir: string) =>
  hasFixtures
    ? fs
        .readdirSync(path.join(FIXTURES, dir))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map(
          (f) =>
            [
              f,
              JSON.parse(fs.readFileSync(path.join(FIXTURES, dir, f), 'utf8')) as Record<string, unknown>,
            ] as const,
        )
    : [];

/** Templates the fixtures with real recipients refer to, as their authors presumably defined them. */
const TEMPLATES = [
  {
    name: 'revive_issue',
    language: 'en_US',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'IMAGE' },
      { type: 'BODY', text: 'Hi {{1}}, are you still having trouble {{2}}?' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Yes' },
          { type: 'URL', text: 'Open', url: 'https://x.example/{{1}}' },
        ],
      },
    ],
  },
  {
    name: 'intro_catalog_offer',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      {
        type: 'BODY',
        text: 'Now shop for your favourite products right here on WhatsApp! Get Rs {{1}} off on all orders above {{2}}Rs! Valid for your first {{3}} orders placed on WhatsApp!',
      },
      { type: 'BUTTONS', buttons: [{ type: 'CATALOG', text: 'View catalog' }] },
    ],
  },
  {
    name: 'number_confirmation',
    language: 'pt_BR',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Confirme o número {{1}}' }],
  },
  {
    name: 'schedule_confirmation3',
    language: 'pt_BR',
    category: 'UTILITY',
    components: [
      { type: 'BODY', text: 'Olá {{1}}, confirma a consulta em {{2}} às {{3}}?' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Sim' },
          { type: 'QUICK_REPLY', text: 'Não' },
          { type: 'QUICK_REPLY', text: 'Alterar' },
        ],
      },
    ],
  },
  {
    name: 'marketing_music_2',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'IMAGE' },
      { type: 'BODY', text: 'Concert on {{1}}, tickets from {{2}}' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Show' },
          { type: 'QUICK_REPLY', text: 'Stop' },
        ],
      },
    ],
  },
  {
    name: 'new_classes_pdf',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'DOCUMENT' },
      { type: 'BODY', text: 'Hi {{1}}, new classes are out' },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'See', url: 'https://x.example/{{1}}' }] },
    ],
  },
  {
    name: 'video_tm',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'VIDEO' },
      { type: 'BODY', text: 'Hi {{1}}' },
    ],
  },
  {
    name: 'auth_app',
    language: 'pt_BR',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'IMAGE' },
      { type: 'BODY', text: 'Código {{1}}' },
    ],
  },
];

/** Fixtures with real recipients that are still invalid, and the code they must get. */
const EXPECTED_ERRORS: Record<string, number> = {
  '004-text-to-bsuid-recipient.json': 100, // `recipient` instead of `to`
  '038-template-body-params-policy.json': 132000, // no header image, no url param
  '039-template-header-image.json': 132000, // no url button param
  '040-template-no-components.json': 132000,
};

/** Placeholder-recipient fixtures whose body is still invalid once `to` is a real number. */
const EXPECTED_WITH_REAL_RECIPIENT: Record<string, number> = {
  '012-image-by-link.json': 100, // link "http(s)://image-url"
  '015-audio-by-link.json': 100,
  '019-video-by-link.json': 100,
  '022-document-by-link.json': 100,
  '025-sticker-by-link.json': 100,
  '032-template-body-params.json': 132001, // name "template-name"
  '033-template-header-image-body.json': 132001,
  '034-template-header-body-buttons.json': 132001,
  '035-template-quick-reply-buttons.json': 132001,
  '037-template-flow-button.json': 132001,
  '073-interactive-product-list.json': 100, // header type "<HEADER_TYPE>"
};

const isPlaceholder = (to: unknown) => typeof to !== 'string' || /[<>{}]/.test(to);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ statusDelaysMs: { sent: 0, delivered: 10, read: null } });
  for (const t of TEMPLATES) {
    const r = await h.control('POST', '/templates', { wabaId: NUMBER.wabaId, ...t });
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  }
});
afterAll(async () => {
  await h.close();
});

describe.skipIf(!hasFixtures)('conformance with third-party send bodies', () => {
  const sends = read('sends');
  const errorShapes = read('errors');

  it.each(sends)('%s', async (file, body) => {
    const r = await h.send(body);
    expect(r.status).toBeLessThan(500);
    const isRead = body.status === 'read';
    if (!isRead && isPlaceholder(body.to)) {
      expect(r.status).toBeGreaterThanOrEqual(400);
    } else if (EXPECTED_ERRORS[file] !== undefined) {
      expect(r.body).toMatchObject({ error: { code: EXPECTED_ERRORS[file] } });
    } else {
      expect(r.body).not.toHaveProperty('error');
      expect(r.status).toBe(200);
      if (isRead) expect(r.body).toEqual({ success: true });
      else
        expect(r.body).toMatchObject({
          messaging_product: 'whatsapp',
          contacts: [{ input: body.to }],
          messages: [{ id: expect.stringMatching(/^wamid\./) }],
        });
    }
    if (r.status >= 400) {
      const parsed = graphErrorBodySchema.safeParse(r.body);
      expect(parsed.success).toBe(true);
      expect(r.body.error).toMatchObject({
        type: 'OAuthException',
        fbtrace_id: expect.any(String),
        error_data: { messaging_product: 'whatsapp', details: expect.any(String) },
      });
    }
  });

  it.each(sends.filter(([, b]) => b.status !== 'read' && isPlaceholder(b.to)))(
    '%s with a real recipient instead of the placeholder',
    async (file, body) => {
      const r = await h.send({ ...body, to: '+16505551234' });
      if (EXPECTED_WITH_REAL_RECIPIENT[file] !== undefined) {
        expect(r.body).toMatchObject({ error: { code: EXPECTED_WITH_REAL_RECIPIENT[file] } });
      } else {
        expect(r.body).not.toHaveProperty('error');
        expect(r.status).toBe(200);
      }
    },
  );

  it('produces error bodies whose fields have the types real Graph errors use', async () => {
    const ours = (
      await h.send({ messaging_product: 'whatsapp', to: '{{x}}', type: 'text', text: { body: 'x' } })
    ).body.error as Record<string, unknown>;
    const unknownObject = (await h.graph('POST', '/v23.0/404/messages', {})).body.error as Record<
      string,
      unknown
    >;
    expect(errorShapes.length).toBeGreaterThan(0);
    for (const [file, fixture] of errorShapes) {
      expect(graphErrorBodySchema.safeParse(fixture).success, file).toBe(true);
      const theirs = fixture.error as Record<string, unknown>;
      for (const [key, value] of Object.entries(theirs)) {
        const mine = key === 'error_subcode' ? unknownObject[key] : ours[key];
        if (mine !== undefined) expect(typeof mine, `${file}: ${key}`).toBe(typeof value);
      }
    }
    // The keys every full Meta example has are always present in ours.
    for (const key of ['message', 'type', 'code', 'fbtrace_id']) expect(ours).toHaveProperty(key);
    expect(unknownObject).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
  });

  it('accepted fixtures produce statuses and no 5xx ever happened', async () => {
    await h.server.sim.flush();
    expect(h.server.sim.sent().length).toBeGreaterThan(20);
  });
});
