import { describe, expect, it } from 'vitest';
import { isSafeHttpUrl, linkify, parseWhatsApp, plainText } from '../../src/web/lib/format-wa.ts';

describe('WhatsApp formatting parser', () => {
  it('parses bold, italic, strike and monospace into nodes', () => {
    expect(parseWhatsApp('*太字* と _斜体_ と ~取消~')).toEqual([
      { kind: 'bold', children: [{ kind: 'text', text: '太字' }] },
      { kind: 'text', text: ' と ' },
      { kind: 'italic', children: [{ kind: 'text', text: '斜体' }] },
      { kind: 'text', text: ' と ' },
      { kind: 'strike', children: [{ kind: 'text', text: '取消' }] },
    ]);
    expect(parseWhatsApp('```const x = 1;\nx*2```')).toEqual([
      { kind: 'code', text: 'const x = 1;\nx*2', block: true },
    ]);
    expect(parseWhatsApp('run `npm start` now')[1]).toEqual({
      kind: 'code',
      text: 'npm start',
      block: false,
    });
  });

  it('nests formatting and formats inside Japanese text', () => {
    expect(parseWhatsApp('*bold _and italic_*')).toEqual([
      {
        kind: 'bold',
        children: [
          { kind: 'text', text: 'bold ' },
          { kind: 'italic', children: [{ kind: 'text', text: 'and italic' }] },
        ],
      },
    ]);
    expect(parseWhatsApp('これは*重要*です')[1]).toEqual({
      kind: 'bold',
      children: [{ kind: 'text', text: '重要' }],
    });
  });

  it('leaves markers that do not form a span as text', () => {
    for (const s of ['snake_case_name', '2*3*4', '* not bold *', '*unclosed', 'a*\nb*', '~ ~'])
      expect(plainText(parseWhatsApp(s))).toBe(s);
    expect(parseWhatsApp('snake_case_name')).toEqual([{ kind: 'text', text: 'snake_case_name' }]);
  });

  it('keeps HTML as plain text', () => {
    const s = '<img src=x onerror=alert(1)><script>alert(1)</script>';
    expect(parseWhatsApp(s)).toEqual([{ kind: 'text', text: s }]);
  });

  it('links only http(s) URLs, without trailing punctuation', () => {
    expect(linkify('see https://example.com/a?b=1. ok')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', href: 'https://example.com/a?b=1', text: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. ok' },
    ]);
    expect(linkify('javascript:alert(1) data:text/html,x')).toEqual([
      { kind: 'text', text: 'javascript:alert(1) data:text/html,x' },
    ]);
    expect(parseWhatsApp('詳細は https://tsunagi.example/jp。')[1]).toMatchObject({
      kind: 'link',
      href: 'https://tsunagi.example/jp',
    });
    expect(isSafeHttpUrl('https://x.test')).toBe(true);
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,1',
      '//evil.test',
      'vbscript:x',
      42,
    ])
      expect(isSafeHttpUrl(bad)).toBe(false);
  });
});
