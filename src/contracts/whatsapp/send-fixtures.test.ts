import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MarkReadBodySchema, MessageContentSchema, SendBodySchema } from './send.schemas.ts';

const SENDS = fileURLToPath(new URL('../../../../shared/fixtures/whatsapp/sends/', import.meta.url));

/**
 * Fixtures that must NOT pass as they are, and why. Every other file must pass.
 * - `to-placeholder`: Meta's OpenAPI examples address `{{Recipient-Phone-Number}}`; the content itself is
 *   well-formed and must pass once a real number is put in `to`.
 * - `placeholder`: the content carries placeholder values a strict API rejects (`http(s)://…` links,
 *   `template-name`, `language-and-locale-code`, `<HEADER_TYPE>`, boolean button text).
 * - `edge`: a deliberately odd body (BSUID in `recipient` instead of `to`); passes once `to` is set.
 * - `unsupported`: payments interactive types Tsunagi does not send yet.
 */
const EXPECTED_FAILURES: Record<string, 'to-placeholder' | 'placeholder' | 'edge' | 'unsupported'> = {
  '001-text.json': 'to-placeholder',
  '002-text-preview-url.json': 'to-placeholder',
  '004-text-to-bsuid-recipient.json': 'edge',
  '009-text-reply-context.json': 'to-placeholder',
  '011-image-by-id.json': 'to-placeholder',
  '012-image-by-link.json': 'placeholder',
  '014-audio-by-id.json': 'to-placeholder',
  '015-audio-by-link.json': 'placeholder',
  '018-video-by-id.json': 'to-placeholder',
  '019-video-by-link.json': 'placeholder',
  '021-document-by-id.json': 'to-placeholder',
  '022-document-by-link.json': 'placeholder',
  '024-sticker-by-id.json': 'to-placeholder',
  '025-sticker-by-link.json': 'placeholder',
  '026-location.json': 'to-placeholder',
  '028-contacts.json': 'to-placeholder',
  '030-reaction.json': 'to-placeholder',
  '031-template-hello-world-no-components.json': 'to-placeholder',
  '032-template-body-params.json': 'placeholder',
  '033-template-header-image-body.json': 'placeholder',
  '034-template-header-body-buttons.json': 'placeholder',
  '035-template-quick-reply-buttons.json': 'placeholder',
  '037-template-flow-button.json': 'placeholder',
  '050-interactive-button.json': 'to-placeholder',
  '060-interactive-list.json': 'to-placeholder',
  '067-interactive-flow-by-id.json': 'to-placeholder',
  '068-interactive-flow-draft-by-name.json': 'to-placeholder',
  '072-interactive-product.json': 'to-placeholder',
  '073-interactive-product-list.json': 'placeholder',
  '075-interactive-order-details.json': 'unsupported',
  '076-interactive-order-status.json': 'unsupported',
};

function check(body: Record<string, unknown>) {
  const r = body.status === 'read' ? MarkReadBodySchema.safeParse(body) : SendBodySchema.safeParse(body);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe.skipIf(!existsSync(SENDS))('send fixtures (third-party corpus)', () => {
  const files = existsSync(SENDS)
    ? readdirSync(SENDS)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];

  it.each(files)('%s', (file) => {
    const body = JSON.parse(readFileSync(`${SENDS}${file}`, 'utf8')) as Record<string, unknown>;
    const problems = check(body);
    const expected = EXPECTED_FAILURES[file];
    if (expected === undefined) {
      expect(problems).toEqual([]);
      return;
    }
    console.info(`${file} fails as expected (${expected}): ${problems.join(' | ')}`);
    expect(problems.length).toBeGreaterThan(0);
    const {
      messaging_product: _p,
      to: _t,
      recipient_type: _r,
      context: _c,
      recipient: _b,
      ...content
    } = body;
    const withRealRecipient = { ...body, to: '+16505551234' };
    if (expected === 'to-placeholder' || expected === 'edge') {
      expect(problems.every((p) => p.startsWith('to: '))).toBe(true);
      expect(check(withRealRecipient)).toEqual([]);
      expect(MessageContentSchema.safeParse({ type: 'text', ...content }).success).toBe(true);
    } else {
      expect(check(withRealRecipient).length).toBeGreaterThan(0);
    }
  });
});
