import { describe, expect, it } from 'vitest';
import { SecretBox, hashPassword, safeEqual, verifyPassword } from './crypto.ts';

describe('secrets at rest', () => {
  it('round-trips, uses a fresh IV each time, and detects tampering', () => {
    const box = new SecretBox(SecretBox.generateKey());
    const a = box.seal('EAAG-token-秘密');
    expect(a).not.toContain('EAAG');
    expect(box.seal('EAAG-token-秘密')).not.toBe(a);
    expect(box.open(a)).toBe('EAAG-token-秘密');
    const parts = a.split(':');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join(':'))).toThrow();
    expect(() => new SecretBox(SecretBox.generateKey()).open(a)).toThrow();
  });
  it('accepts hex or base64 keys and rejects short ones', () => {
    expect(() => new SecretBox('ab'.repeat(32))).not.toThrow();
    expect(() => new SecretBox('c2hvcnQ=')).toThrow(/32 bytes/);
  });
});

describe('passwords', () => {
  it('hash with scrypt and verify', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash.startsWith('scrypt$')).toBe(true);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('wrong horse', hash)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});

describe('safeEqual', () => {
  it('matches equal secrets of any length and nothing else', () => {
    expect(safeEqual('tok-123', 'tok-123')).toBe(true);
    expect(safeEqual(Buffer.from('abc'), 'abc')).toBe(true);
    expect(safeEqual('tok-12', 'tok-123')).toBe(false);
    expect(safeEqual('tok-1234', 'tok-123')).toBe(false);
    expect(safeEqual('TOK-123', 'tok-123')).toBe(false);
    expect(safeEqual('', 'x')).toBe(false);
  });
  it('never matches a missing, repeated or empty-expected value', () => {
    expect(safeEqual(undefined, 'x')).toBe(false);
    expect(safeEqual(null, null)).toBe(false);
    expect(safeEqual(['x', 'x'], 'x')).toBe(false);
    expect(safeEqual('', '')).toBe(false);
  });
});
