import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  opts: object,
) => Promise<Buffer>;

/** scrypt cost: N=2^15, r=8, p=1 (32 MiB, ~50 ms a hash on a small server) — slow enough to blunt guessing. */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** Hashes a password with scrypt (node:crypto; no native addon needed). Format: `scrypt$N$r$p$salt$hash`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 64, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** Verifies a password against `hashPassword` output in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A random URL-safe token with the given prefix (`tsk_…` API keys, session tokens). */
export function randomToken(prefix = '', bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/**
 * Compares two secrets (tokens, signatures, CSRF values) in constant time. Both sides are hashed to SHA-256
 * first, so the comparison takes the same time whatever the lengths (a plain `timingSafeEqual` would throw on,
 * and a length check would leak, a length difference). A missing value (null/undefined/array) never matches,
 * not even another missing one, and neither does an empty expected value (a misconfiguration must not accept
 * an empty token).
 */
export function safeEqual(
  presented: string | Buffer | readonly string[] | null | undefined,
  expected: string | Buffer | null | undefined,
): boolean {
  if (presented === null || presented === undefined || Array.isArray(presented)) return false;
  if (expected === null || expected === undefined || expected.length === 0) return false;
  const a = createHash('sha256')
    .update(presented as string | Buffer)
    .digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** SHA-256 hex of a high-entropy token: tokens are stored hashed, looked up by hash. */
export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Encrypts secrets at rest (access tokens, app secrets) with AES-256-GCM. Format: `v1:<iv>:<tag>:<ciphertext>`
 * (base64url parts). The key comes from TSUNAGI_SECRET_KEY or the embedded data directory.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: string | Buffer) {
    this.key = typeof key === 'string' ? SecretBox.parseKey(key) : key;
    if (this.key.length !== 32) throw new Error('The secret key must be 32 bytes');
  }

  /** Accepts 64 hex characters or base64/base64url of 32 bytes. */
  static parseKey(text: string): Buffer {
    const trimmed = text.trim();
    if (/^[0-9a-f]{64}$/i.test(trimmed)) return Buffer.from(trimmed, 'hex');
    const buf = Buffer.from(trimmed, 'base64');
    if (buf.length !== 32) {
      throw new Error(
        'TSUNAGI_SECRET_KEY must be 32 bytes as 64 hex chars or base64 (try: openssl rand -base64 32)',
      );
    }
    return buf;
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      'v1',
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ct.toString('base64url'),
    ].join(':');
  }

  open(sealed: string): string {
    const [version, iv, tag, ct] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || ct === undefined) throw new Error('Unrecognised sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }
}
