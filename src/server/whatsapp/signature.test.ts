import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { stringifyAsciiJson } from '../../lib/json.ts';
import { signBody, verifySignature } from './signature.ts';

const SECRET = 'app-secret';
const body = Buffer.from(stringifyAsciiJson({ object: 'whatsapp_business_account', name: 'äöå 😀 @' }));

describe('signBody', () => {
  it('is sha256= plus the lowercase hex HMAC of the raw bytes', () => {
    const expected = createHmac('sha256', SECRET).update(body).digest('hex');
    expect(signBody(SECRET, body)).toBe(`sha256=${expected}`);
    expect(body.toString()).toContain('\\u00e4'); // signed as sent: escaped, not re-encoded
    expect(signBody(SECRET, body.toString())).toBe(signBody(SECRET, body));
  });
});

describe('verifySignature', () => {
  const good = signBody(SECRET, body);

  it('accepts the right signature (and tolerates upper-case hex and surrounding spaces)', () => {
    expect(verifySignature(SECRET, body, good)).toBe(true);
    expect(verifySignature(SECRET, body, `sha256=${good.slice(7).toUpperCase()}`)).toBe(true);
    expect(verifySignature(SECRET, body, ` ${good} `)).toBe(true);
  });

  it.each([
    ['another secret', 'other', body, good],
    ['a modified body', SECRET, Buffer.concat([body, Buffer.from(' ')]), good],
    ['a re-serialised body', SECRET, Buffer.from(JSON.stringify(JSON.parse(body.toString()))), good],
    ['a missing header', SECRET, body, undefined],
    ['a null header', SECRET, body, null],
    ['an empty header', SECRET, body, ''],
    ['a repeated header', SECRET, body, [good, good]],
    ['no prefix', SECRET, body, good.slice(7)],
    ['a sha1 prefix', SECRET, body, `sha1=${good.slice(7)}`],
    ['a short digest', SECRET, body, good.slice(0, -2)],
    ['a long digest', SECRET, body, `${good}00`],
    ['non-hex characters', SECRET, body, `sha256=${'z'.repeat(64)}`],
    ['an empty app secret', '', body, signBody('', body)],
  ])('rejects %s without throwing', (_label, secret, bytes, header) => {
    expect(verifySignature(secret, bytes, header)).toBe(false);
  });
});
