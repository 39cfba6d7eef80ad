import { describe, expect, it } from 'vitest';
import { countsAsClick, isLinkPreview, shortLink, trackedDestinations } from './campaign-links.rules.ts';
import { templateContent } from './campaign-message.rules.ts';
import { buttonsMismatch } from './campaign-template-check.rules.ts';

const ORIGIN = 'https://tsunagi.example';
const buttons = (url: string, type = 'URL') => [{ type: 'BUTTONS', buttons: [{ type, text: 'Shop', url }] }];

describe('campaign link rules', () => {
  it('tells link previews and robots from people', () => {
    for (const ua of [
      'WhatsApp/2.24.6.77 A',
      'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
      'Mozilla/5.0 (compatible; Twitterbot/1.0)',
      'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
      'TelegramBot (like TwitterBot)',
      'facebookexternalhit/1.1;line-poker/1.0',
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      '',
      undefined,
    ])
      expect(isLinkPreview(ua), String(ua)).toBe(true);
    for (const ua of [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36',
    ])
      expect(isLinkPreview(ua), ua).toBe(false);
  });

  it('counts only a GET by a person', () => {
    const browser = 'Mozilla/5.0 (Linux; Android 14) Chrome/124.0 Mobile';
    expect(countsAsClick('GET', browser)).toBe(true);
    expect(countsAsClick('HEAD', browser)).toBe(false);
    expect(countsAsClick('GET', 'WhatsApp/2.24.6.77 A')).toBe(false);
  });

  it('lists the destinations to track, once each', () => {
    expect(
      trackedDestinations({
        name: 't',
        language: 'ja',
        variables: [
          { source: { kind: 'link', url: 'https://a.example/' }, fallback: '-' },
          { source: { kind: 'literal', value: 'x' }, fallback: '-' },
        ],
        buttons: [
          { index: 0, url: 'https://b.example/' },
          { index: 1, url: 'https://a.example/' },
        ],
      }),
    ).toEqual(['https://b.example/', 'https://a.example/']);
    expect(shortLink(ORIGIN, 'abc')).toBe('https://tsunagi.example/r/abc');
  });

  it('checks that tracked buttons point at the redirect and that no variable URL button is left out', () => {
    const tracked = [{ index: 0, url: 'https://shop.example/' }];
    expect(buttonsMismatch(tracked, buttons(`${ORIGIN}/r/{{1}}`), ORIGIN)).toBeNull();
    expect(buttonsMismatch(tracked, buttons('https://shop.example/{{1}}'), ORIGIN)?.message).toMatch(
      /must have the URL/,
    );
    expect(buttonsMismatch(tracked, buttons('x', 'QUICK_REPLY'), ORIGIN)?.message).toMatch(/no URL button/);
    expect(buttonsMismatch([], buttons('https://shop.example/{{1}}'), ORIGIN)?.message).toMatch(
      /variable suffix/,
    );
    expect(buttonsMismatch([], buttons('https://shop.example/'), ORIGIN)).toBeNull();
    expect(buttonsMismatch([], undefined, ORIGIN)).toBeNull();
  });

  it('fills link variables with the short link and tracked buttons with the code', () => {
    const content = templateContent(
      {
        name: 'sale',
        language: 'ja',
        variables: [{ source: { kind: 'link', url: 'https://a.example/' }, fallback: 'https://a.example/' }],
        buttons: [{ index: 1, url: 'https://b.example/' }],
      },
      { name: null, profileName: null, phone: null, country: null, attributes: {} },
      {
        origin: ORIGIN,
        codes: new Map([
          ['https://a.example/', 'codeA'],
          ['https://b.example/', 'codeB'],
        ]),
      },
    );
    expect(content.template.components).toEqual([
      { type: 'body', parameters: [{ type: 'text', text: 'https://tsunagi.example/r/codeA' }] },
      { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'codeB' }] },
    ]);
  });
});
