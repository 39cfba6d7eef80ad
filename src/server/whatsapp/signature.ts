import { createHmac } from 'node:crypto';
import { safeEqual } from '../lib/crypto.ts';

/**
 * `X-Hub-Signature-256` (reference §3.3): `sha256=` + lowercase hex HMAC-SHA256 of the raw request body,
 * keyed with the app secret. Always computed over the exact bytes on the wire, never re-serialised JSON
 * (Meta escapes non-ASCII as `\uXXXX`; re-encoding breaks the signature).
 */
export function signBody(appSecret: string, rawBytes: Uint8Array | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBytes).digest('hex')}`;
}

const HEADER = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * True when `header` is a valid `sha256=<hex>` signature of `rawBytes` under `appSecret`. Constant-time
 * comparison (`safeEqual`). Never throws: a missing, repeated (array), malformed or wrong-length
 * header is false, and so is an empty app secret (a misconfiguration must not accept everything signed
 * with the empty key).
 */
export function verifySignature(
  appSecret: string,
  rawBytes: Uint8Array | string,
  header: string | readonly string[] | null | undefined,
): boolean {
  if (typeof header !== 'string' || appSecret.length === 0) return false;
  const match = HEADER.exec(header.trim());
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1], 'hex');
  return safeEqual(given, createHmac('sha256', appSecret).update(rawBytes).digest());
}
