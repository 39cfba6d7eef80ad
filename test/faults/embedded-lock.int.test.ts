import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/server/db/connect.ts';
import {
  TsunagiProcess,
  embeddedDataDir,
  freePort,
  killAllProcesses,
  runTsunagi,
  waitUntil,
} from '../support/process.ts';

/**
 * PGlite has no server to arbitrate between processes, so an embedded data directory belongs to one process at
 * a time (`data-dir-lock.ts`). While `tsunagi start` runs, `tsunagi migrate` (or a second `start`) on the same
 * directory must refuse with a message naming the holder — without touching the running server or its data —
 * and once the server has been SIGKILLed, the stale lock is taken over and `migrate` succeeds.
 */

interface Conversation {
  lastMessagePreview: string | null;
  contact: { waId: string } | null;
}

describe('one process per embedded data directory', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let server: TsunagiProcess;
  let auth: Record<string, string>;
  const lockFile = () => path.join(dataDir, 'tsunagi.lock');
  const holder = () => JSON.parse(fs.readFileSync(lockFile(), 'utf8')) as { pid: number };

  beforeAll(async () => {
    // Embedded mode whatever TEST_DATABASE_URL says: the lock only exists for PGlite.
    ({ dataDir, auth } = await embeddedDataDir('tsunagi-lock-', 'Lock test'));
    env = { TSUNAGI_DATA_DIR: dataDir };
    server = await TsunagiProcess.start({ name: 'embedded server', env });
  });

  afterAll(async () => {
    await killAllProcesses();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const conversations = async () => {
    const res = await fetch(`${server.url}/api/v1/conversations`, { headers: auth });
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: Conversation[] }).data;
  };

  it('refuses migrate and a second start while the server runs, and leaves the server and its data alone', async () => {
    // The simulator's control token is kept in the data directory beside the data it plays with.
    const controlToken = fs.readFileSync(path.join(dataDir, 'simulator-control-token'), 'utf8').trim();
    const control = { authorization: `Bearer ${controlToken}`, 'content-type': 'application/json' };
    const businessNumber = {
      phoneNumberId: '106540352233333',
      displayPhoneNumber: '+81 3-3333-3333',
      wabaId: '102290129343333',
      accessToken: 'token',
    };
    // The number exists at "Meta" (the simulator) first; Tsunagi verifies the token reaches it.
    const provisioned = await fetch(`${server.url}/simulator/control/numbers`, {
      method: 'POST',
      headers: control,
      body: JSON.stringify(businessNumber),
    });
    expect(provisioned.status).toBe(200);
    const number = await fetch(`${server.url}/api/v1/phone-numbers`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(businessNumber),
    });
    expect(number.status).toBe(201);
    // A customer writes in through the built-in simulator: a real webhook, journaled and ingested.
    const inbound = await fetch(`${server.url}/simulator/control/inbound`, {
      method: 'POST',
      headers: control,
      body: JSON.stringify({
        phoneNumberId: '106540352233333',
        from: '819012345678',
        name: '佐藤',
        message: { type: 'text', text: { body: 'ロックの前' } },
      }),
    });
    expect(inbound.status).toBe(200);
    await waitUntil('the inbound message to be ingested', async () => (await conversations()).length === 1);
    expect(holder().pid).toBe(server.pid);

    const migrateRun = await runTsunagi(['migrate'], env);
    expect(migrateRun.code, migrateRun.stderr).not.toBe(0);
    expect(migrateRun.stderr).toContain(`in use by another Tsunagi process (pid ${server.pid}`);
    expect(migrateRun.stderr).toContain(dataDir);

    const second = await runTsunagi(['start'], { ...env, PORT: String(await freePort()) });
    expect(second.code, second.stdout + second.stderr).not.toBe(0);
    expect(second.stderr).toContain(`pid ${server.pid}`);

    // The running server neither noticed nor lost anything.
    expect(server.running).toBe(true);
    expect(holder().pid).toBe(server.pid);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const [conv] = await conversations();
    expect(conv).toMatchObject({ lastMessagePreview: 'ロックの前', contact: { waId: '819012345678' } });
  });

  it('takes over the lock of a SIGKILLed server: migrate succeeds and the data is intact', async () => {
    const deadPid = server.pid;
    await server.kill();
    expect(holder().pid, 'SIGKILL leaves the lock file behind').toBe(deadPid);

    const run = await runTsunagi(['migrate'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ database: 'pglite' });
    expect(fs.existsSync(lockFile()), 'migrate released the lock it took over').toBe(false);

    const handle = await openDatabase({ databaseUrl: null, dataDir });
    try {
      const rows = await handle.db
        .selectFrom('messages')
        .innerJoin('contacts', 'contacts.id', 'messages.contact_id')
        .select(['contacts.wa_id', 'messages.content'])
        .execute();
      expect(rows).toEqual([
        { wa_id: '819012345678', content: { type: 'text', text: { body: 'ロックの前' } } },
      ]);
    } finally {
      await handle.close();
    }
  });
});
