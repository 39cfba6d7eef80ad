import { describe, expect, it } from 'vitest';
import type { CampaignTemplate } from '../../../contracts/campaign.schemas.ts';
import { templateContent } from './campaign-message.rules.ts';

const fields = {
  name: '田中',
  profileName: null,
  phone: '+819011110001',
  country: 'JP',
  attributes: { order: 'A-1001', season: '' },
};
const t = (patch: Partial<CampaignTemplate>): CampaignTemplate => ({
  name: 'sale',
  language: 'ja',
  variables: [],
  buttons: [],
  ...patch,
});

describe('templateContent: headers and buttons', () => {
  it('puts media first: a file by its id for the number, a link as given, a document with its name', () => {
    const image = t({ header: { type: 'image', mediaId: 'up-1' } });
    expect(templateContent(image, fields, undefined, { id: 'wa-9' }).template.components).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { id: 'wa-9' } }] },
    ]);
    // A file not resolved for the number yet: no header (the release resolves it before queueing).
    expect(templateContent(image, fields).template.components).toBeUndefined();
    const doc = t({ header: { type: 'document', link: 'https://x.test/c.pdf', filename: 'カタログ.pdf' } });
    expect(templateContent(doc, fields).template.components).toEqual([
      {
        type: 'header',
        parameters: [
          { type: 'document', document: { link: 'https://x.test/c.pdf', filename: 'カタログ.pdf' } },
        ],
      },
    ]);
  });

  it('fills a text header’s variable (named or not) with the fallback when empty, cut to 60 characters', () => {
    const header = (name?: string, key = 'order') => ({
      type: 'text' as const,
      variable: {
        ...(name ? { name } : {}),
        source: { kind: 'attribute' as const, key },
        fallback: '春の',
      },
    });
    expect(templateContent(t({ header: header() }), fields).template.components).toEqual([
      { type: 'header', parameters: [{ type: 'text', text: 'A-1001' }] },
    ]);
    expect(templateContent(t({ header: header('season', 'season') }), fields).template.components).toEqual([
      { type: 'header', parameters: [{ type: 'text', parameter_name: 'season', text: '春の' }] },
    ]);
    const long = { ...fields, attributes: { order: 'x'.repeat(100) } };
    const [c] = templateContent(t({ header: header() }), long).template.components ?? [];
    expect(c?.parameters[0]).toEqual({ type: 'text', text: 'x'.repeat(60) });
  });

  it('fills URL suffixes, tracked codes and quick-reply payloads in button order, after the body', () => {
    const content = templateContent(
      t({
        variables: [{ source: { kind: 'field', field: 'name' }, fallback: 'お客様' }],
        buttons: [
          { index: 2, url: 'https://shop.example/sale' },
          { index: 0, payload: { source: { kind: 'literal', value: 'STOP_PROMO' }, fallback: 'x' } },
          { index: 1, suffix: { source: { kind: 'attribute', key: 'missing' }, fallback: 'latest' } },
        ],
      }),
      fields,
      { origin: 'https://t.example', codes: new Map([['https://shop.example/sale', 'code22']]) },
    );
    expect(content.template.components).toEqual([
      { type: 'body', parameters: [{ type: 'text', text: '田中' }] },
      {
        type: 'button',
        sub_type: 'quick_reply',
        index: '0',
        parameters: [{ type: 'payload', payload: 'STOP_PROMO' }],
      },
      { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'latest' }] },
      { type: 'button', sub_type: 'url', index: '2', parameters: [{ type: 'text', text: 'code22' }] },
    ]);
  });
});
