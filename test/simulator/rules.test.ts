import { describe, expect, it } from 'vitest';
import { GRAPH_ERROR_CODES } from '../../src/contracts/whatsapp/graph-error-codes.rules.ts';
import { SeededRandom } from '../../src/simulator/faults.ts';
import {
  includesConversation,
  isWindowOpen,
  pricingFor,
  SERVICE_WINDOW_MS,
} from '../../src/simulator/pricing.rules.ts';
import {
  MessagingLimitTracker,
  PairRateLimiter,
  ThroughputWindow,
} from '../../src/simulator/rate-limit.rules.ts';
import { SentLog } from '../../src/simulator/sent-log.ts';
import type { SentRecord } from '../../src/simulator/sent-log.ts';
import { SimIds } from '../../src/simulator/sim-ids.ts';
import { placeholders } from '../../src/simulator/templates.schemas.ts';

describe('rate limit rules', () => {
  it('counts a sliding one-second window', () => {
    const w = new ThroughputWindow();
    for (let t = 0; t < 3; t++) w.record(t * 100);
    expect(w.allows(250, 3)).toBe(false);
    expect(w.count(1000)).toBe(2);
    expect(w.allows(1000, 3)).toBe(true);
  });

  it('refills the pair bucket continuously up to capacity', () => {
    const p = new PairRateLimiter({ capacity: 2, refillMs: 6000 });
    p.record('k', 0);
    p.record('k', 0);
    expect(p.allows('k', 5999)).toBe(false);
    expect(p.allows('k', 6000)).toBe(true);
    expect(p.allows('other', 0)).toBe(true);
    p.record('k', 6000);
    expect(p.allows('k', 60_000 * 10)).toBe(true);
  });

  it('counts unique recipients per rolling 24 h', () => {
    const m = new MessagingLimitTracker();
    m.record('a', 0);
    m.record('b', 1000);
    expect(m.allows('c', 2000, 2)).toBe(false);
    expect(m.allows('a', 2000, 2)).toBe(true);
    expect(m.allows('c', 24 * 3600 * 1000, 2)).toBe(true);
    expect(m.size(24 * 3600 * 1000 + 1000)).toBe(0);
    expect(m.allows('z', 0, undefined)).toBe(true);
  });
});

describe('pricing and window rules', () => {
  it('opens the window for 24 h after the last inbound message', () => {
    expect(isWindowOpen(undefined, 0)).toBe(false);
    expect(isWindowOpen(0, SERVICE_WINDOW_MS - 1)).toBe(true);
    expect(isWindowOpen(0, SERVICE_WINDOW_MS)).toBe(false);
  });

  it('prices per message (PMP)', () => {
    expect(pricingFor(undefined, true)).toEqual({
      billable: false,
      pricing_model: 'PMP',
      type: 'free_customer_service',
      category: 'service',
    });
    expect(pricingFor('UTILITY', true)).toMatchObject({
      billable: false,
      type: 'free_customer_service',
      category: 'utility',
    });
    expect(pricingFor('UTILITY', false)).toMatchObject({
      billable: true,
      type: 'regular',
      category: 'utility',
    });
    expect(pricingFor('MARKETING', true)).toMatchObject({
      billable: true,
      type: 'regular',
      category: 'marketing',
    });
    expect(pricingFor('AUTHENTICATION', false)).toMatchObject({
      type: 'regular',
      category: 'authentication',
    });
  });

  it('drops conversation from v24 on', () => {
    expect(includesConversation('v23.0')).toBe(true);
    expect(includesConversation('v24.0')).toBe(false);
    expect(includesConversation('latest')).toBe(false);
  });
});

describe('helpers', () => {
  it('finds positional and named placeholders once each, in order', () => {
    expect(placeholders('Hi {{1}}, {{2}} and {{1}}')).toEqual(['1', '2']);
    expect(placeholders('{{first_name}} {{ code }}')).toEqual(['first_name', 'code']);
    expect(placeholders(undefined)).toEqual([]);
  });

  it('makes unique wamids that decode to the counterpart number', () => {
    const ids = new SimIds();
    const a = ids.wamid('16505551234');
    const b = ids.wamid('16505551234');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^wamid\.HBgLMTY1MDU1NTEyMzQVAgARGB/);
    expect(Buffer.from(a.slice(6), 'base64').toString('latin1')).toContain('16505551234');
  });

  it('reproduces random decisions from a seed', () => {
    const seq = (seed: number) => {
      const r = new SeededRandom(seed);
      return [r.next(), r.next(), r.shuffle([1, 2, 3, 4, 5])];
    };
    expect(seq(7)).toEqual(seq(7));
    expect(seq(7)).not.toEqual(seq(8));
    expect(new SeededRandom(1).chance(0)).toBe(false);
  });

  it("gives Graph errors Meta's HTTP statuses", () => {
    expect(GRAPH_ERROR_CODES[132001].httpStatus).toBe(404);
    expect(GRAPH_ERROR_CODES[190].httpStatus).toBe(401);
  });
});

describe('sent log', () => {
  it('answers filtered queries over 200k records from its indexes', () => {
    const log = new SentLog();
    const t0 = Date.parse('2026-01-05T00:00:00Z');
    for (let i = 0; i < 200_000; i++) {
      const record: SentRecord = {
        wamid: `wamid.${i}`,
        phoneNumberId: i % 2 === 0 ? 'a' : 'b',
        to: String(1_000_000 + (i % 1000)),
        input: '',
        type: 'text',
        body: {},
        acceptedAt: new Date(t0 + i).toISOString(),
        version: 'v23.0',
        status: 'accepted',
        statuses: [],
      };
      log.add(record, t0 + i);
    }
    const started = performance.now();
    let last = { records: [] as SentRecord[], count: 0 };
    for (let i = 0; i < 1000; i++) {
      last = log.query({
        phoneNumberId: 'a',
        to: '1000002',
        since: new Date(t0 + 150_000).toISOString(),
        limit: 10,
      });
    }
    expect(performance.now() - started).toBeLessThan(1000);
    expect(last.count).toBe(50);
    expect(last.records.map((r) => r.wamid).at(-1)).toBe('wamid.199002');
    expect(log.query({ limit: 1 })).toMatchObject({ count: 200_000, records: [{ wamid: 'wamid.199999' }] });
    expect(log.get('wamid.7')?.phoneNumberId).toBe('b');
  });
});
