import { FakeClock } from '../../src/lib/clock.ts';
import { loadConfig } from '../../src/server/config.ts';
import { silentLogger } from '../../src/server/lib/logger.ts';
import { startTsunagi, type Tsunagi } from '../../src/server/main.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { createTestDatabase } from './db.ts';

export interface RunningTsunagi {
  t: Tsunagi;
  clock: FakeClock;
  workspaceId: string;
  apiKey: string;
  auth: { authorization: string };
  /**
   * Creates a business number at "Meta" (the built-in simulator, with its token), then registers it in Tsunagi
   * through the REST API, which verifies the token reaches it.
   */
  addNumber(
    n?: Partial<{ phoneNumberId: string; displayPhoneNumber: string; wabaId: string; mps: number }>,
  ): Promise<{ id: string; phoneNumberId: string }>;
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

let counter = 0;

/**
 * A whole Tsunagi on a fresh test database, listening on a free port, with the built-in simulator delivering
 * signed webhooks over real HTTP. Background loops are off: tests move time with the fake clock and call
 * `t.drain()` (or the ingestor / dispatcher directly).
 */
export async function startTestTsunagi(
  opts: {
    statusDelaysMs?: { sent: number; delivered: number; read: number | null };
    /** The fake clock's start (default 2026-03-02T01:00Z, a Monday 10:00 in Tokyo). */
    now?: string;
    /** Randomness of automatic reply delays (default: always the shortest delay). */
    random?: () => number;
  } = {},
): Promise<RunningTsunagi> {
  const clock = new FakeClock(opts.now ?? '2026-03-02T01:00:00.000Z');
  const database = await createTestDatabase();
  const config = loadConfig({
    PORT: '0',
    TSUNAGI_SIMULATOR: 'on',
    TSUNAGI_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    TSUNAGI_DATA_DIR: '/nonexistent-test-dir',
  });
  const t = await startTsunagi(config, {
    clock,
    logger: silentLogger,
    database,
    manual: true,
    simulatorStatusDelaysMs: opts.statusDelaysMs ?? { sent: 0, delivered: 1000, read: 2000 },
    random: opts.random ?? (() => 0),
  });
  const ws = await createWorkspace(t.ctx.db, clock, { name: 'Test shop' });
  const auth = { authorization: `Bearer ${ws.apiKey}` };
  const api = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(t.url + path, {
      method,
      headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
  };
  return {
    t,
    clock,
    workspaceId: ws.workspaceId,
    apiKey: ws.apiKey,
    auth,
    api,
    async addNumber(n = {}) {
      counter++;
      const body = {
        phoneNumberId: n.phoneNumberId ?? `10${process.pid}${counter}`.slice(0, 15),
        displayPhoneNumber: n.displayPhoneNumber ?? '+81 3-0000-0000',
        wabaId: n.wabaId ?? `20${process.pid}${counter}`.slice(0, 15),
        accessToken: 'EAAG-test-token',
        mps: n.mps ?? 80,
      };
      t.simulator?.registerNumber(body);
      const res = await api<{ id: string; phoneNumberId: string }>('POST', '/api/v1/phone-numbers', body);
      if (res.status !== 201 && res.status !== 200)
        throw new Error(`addNumber failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async close() {
      await t.close();
      await database.close();
    },
  };
}
