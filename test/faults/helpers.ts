import { signBody } from '../../src/server/whatsapp/signature.ts';
import type { RunningTsunagi } from '../support/tsunagi.ts';

/** Shared builders for the fault tests: signed webhook POSTs, Cloud-API-shaped bodies, bounded concurrency. */

/** A customer's text message as Meta delivers it: one entry, one `messages` change, one message. */
export function textWebhook(o: {
  phoneNumberId: string;
  displayPhoneNumber?: string;
  wabaId?: string;
  from: string;
  wamid: string;
  text: string;
  timestamp: number;
  name?: string;
}): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: o.wabaId ?? '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: o.displayPhoneNumber ?? '15550783881',
                phone_number_id: o.phoneNumberId,
              },
              contacts: [{ profile: { name: o.name ?? 'Customer' }, wa_id: o.from }],
              messages: [
                {
                  from: o.from,
                  id: o.wamid,
                  timestamp: String(o.timestamp),
                  type: 'text',
                  text: { body: o.text },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** POSTs raw bytes to `/webhooks/whatsapp`, signed with `secret` unless a signature header is given. */
export async function postWebhook(
  baseUrl: string,
  body: Buffer | string,
  opts: { secret?: string; signature?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string }> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  const signature = opts.signature === undefined ? signBody(opts.secret ?? '', bytes) : opts.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const res = await fetch(`${baseUrl}/webhooks/whatsapp`, { method: 'POST', headers, body: bytes });
  return { status: res.status, text: await res.text() };
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(workers);
  return results;
}

/** A small seeded PRNG (mulberry32) so generated inputs are the same on every run. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

/** A valid Japanese mobile number (090-1xxx-xxxx) in E.164 digits without +, distinct for each `i` below 10^7. */
export function customerWaId(i: number): string {
  return `81901${String(i).padStart(7, '0')}`;
}

/**
 * Drains ingest until every journal row is processed, letting retries that back off on the fake clock fall due
 * (up to 12 rounds of 5 minutes).
 */
export async function settleIngest(s: RunningTsunagi): Promise<void> {
  for (let i = 0; i < 12; i++) {
    await s.t.drain();
    const left = await s.t.ctx.db
      .selectFrom('webhook_events')
      .select('id')
      .where('processed_at', 'is', null)
      .execute();
    if (left.length === 0) return;
    s.clock.advance(5 * 60_000);
  }
}
