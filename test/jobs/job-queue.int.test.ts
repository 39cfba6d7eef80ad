import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/lib/clock.ts';
import type { DatabaseHandle } from '../../src/server/db/connect.ts';
import { enqueueJob, JobRunner } from '../../src/server/jobs/queue.ts';
import { createTestDatabase } from '../support/db.ts';

/** A promise the test resolves: a job handler that is still running. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/**
 * Leases of the job queue (src/server/jobs/queue.ts): a worker claims several jobs and runs them one after the
 * other; one that dies gives back the jobs it had not started after the claim lease (30 s), the one it was
 * running after that job's run lease — so a crash delays a queue little, and a live run is not taken away.
 */
describe('job queue: claim and run leases', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('gives back claimed jobs a stuck worker has not started after 30 s, and never runs a job twice', async () => {
    const db = database.db;
    const clock = new FakeClock('2026-12-06T00:00:00.000Z');
    const ran: string[] = [];
    const stuck = gate();
    const slow = new JobRunner(db, clock, 'worker-a');
    slow.register({
      name: 'maintenance.purge',
      async handle({ scheduledFor }) {
        ran.push(`a:${scheduledFor}`);
        if (scheduledFor.startsWith('2026-01-01')) await stuck.wait;
      },
    });
    const other = new JobRunner(db, clock, 'worker-b');
    other.register({
      name: 'maintenance.purge',
      handle: async ({ scheduledFor }) => void ran.push(`b:${scheduledFor}`),
    });
    for (const day of ['2026-01-01', '2026-01-02', '2026-01-03'])
      await enqueueJob(db, clock, 'maintenance.purge', { scheduledFor: `${day}T00:00:00.000Z` });

    // Worker A claims all three and hangs in the first.
    const a = slow.runOnce();
    await expect.poll(() => ran.length).toBe(1);
    // Within the claim lease nobody else may take the two it has not started.
    clock.advance(29_000);
    expect(await other.runOnce()).toBe(0);
    // After it, worker B takes those two, but not the one A is running (its run lease is 5 minutes).
    clock.advance(2_000);
    expect(await other.runOnce()).toBe(2);
    // A comes back: it finishes its job and does not run the two B took.
    stuck.open();
    expect(await a).toBe(1);
    expect(ran.sort()).toEqual([
      'a:2026-01-01T00:00:00.000Z',
      'b:2026-01-02T00:00:00.000Z',
      'b:2026-01-03T00:00:00.000Z',
    ]);
    const rows = await db.selectFrom('jobs').select(['status', 'attempts']).execute();
    expect(rows.every((r) => r.status === 'done')).toBe(true);
  });

  it('a job with a short run lease is taken again soon after its worker stops answering', async () => {
    const db = database.db;
    await db.deleteFrom('jobs').execute();
    const clock = new FakeClock('2026-12-06T01:00:00.000Z');
    const stuck = gate();
    let runs = 0;
    const handle = async () => {
      runs++;
      if (runs === 1) await stuck.wait;
    };
    const a = new JobRunner(db, clock, 'worker-a');
    a.register({ name: 'maintenance.purge', leaseSeconds: 20, handle });
    const b = new JobRunner(db, clock, 'worker-b');
    b.register({ name: 'maintenance.purge', leaseSeconds: 20, handle });
    await enqueueJob(db, clock, 'maintenance.purge', { scheduledFor: '2026-02-01T00:00:00.000Z' });

    const first = a.runOnce();
    await expect.poll(() => runs).toBe(1);
    clock.advance(19_000);
    expect(await b.runOnce()).toBe(0);
    clock.advance(2_000);
    expect(await b.runOnce()).toBe(1);
    expect(runs).toBe(2);
    stuck.open();
    await first;
  });

  it('a loop of its own takes a campaign release that is due behind a backlog of other jobs', async () => {
    const db = database.db;
    const clock = new FakeClock('2026-12-07T00:00:00.000Z');
    const ran: string[] = [];
    const runner = new JobRunner(db, clock, 'worker-c');
    runner.register({ name: 'analytics.refresh', handle: async () => void ran.push('refresh') });
    runner.register({ name: 'campaign.release', handle: async () => void ran.push('release') });
    for (let i = 0; i < 30; i++)
      await enqueueJob(db, clock, 'analytics.refresh', {
        scheduledFor: `2026-12-07T00:00:${String(i).padStart(2, '0')}.000Z`,
      });
    clock.advance(1_000);
    await enqueueJob(db, clock, 'campaign.release', { campaignId: crypto.randomUUID() });
    // The shared loop takes jobs in the order they fell due: the release is not among the first 20.
    expect(await runner.runOnce()).toBe(20);
    expect(ran).not.toContain('release');
    // The sending loop takes only the release, ahead of the 10 still waiting.
    expect(await runner.runOnce(5, ['campaign.release'])).toBe(1);
    expect(ran.at(-1)).toBe('release');
    expect(await runner.runOnce(5, ['campaign.release'])).toBe(0);
    expect(await runner.runOnce()).toBe(10);
  });

  it('runs jobs of one name and workspace together through handleMany, and one by one when that fails', async () => {
    const db = database.db;
    const clock = new FakeClock('2026-12-08T00:00:00.000Z');
    const [wsA, wsB] = [crypto.randomUUID(), crypto.randomUUID()];
    for (const id of [wsA, wsB])
      await db.insertInto('workspaces').values({ id, name: id, created_at: clock.now() }).execute();
    const calls: string[][] = [];
    const alone: string[] = [];
    let failTogether = false;
    const runner = new JobRunner(db, clock, 'worker-d');
    runner.register({
      name: 'campaign.message_status',
      async handle({ messageIds = [] }) {
        if (messageIds.includes(poison)) throw new Error('poison');
        alone.push(...messageIds);
      },
      async handleMany(payloads, { workspaceId }) {
        if (failTogether) throw new Error('together failed');
        calls.push([String(workspaceId), ...payloads.flatMap((p) => p.messageIds ?? [])]);
      },
    });
    const poison = crypto.randomUUID();
    const ids = Array.from({ length: 7 }, () => crypto.randomUUID());
    // Five publishes of workspace A, two of B, interleaved.
    const order = [wsA, wsB, wsA, wsA, wsB, wsA, wsA];
    for (const [i, ws] of order.entries())
      await enqueueJob(
        db,
        clock,
        'campaign.message_status',
        { messageIds: [ids[i] as string] },
        { workspaceId: ws },
      );
    expect(await runner.runOnce()).toBe(7);
    expect(calls).toEqual([
      [wsA, ids[0], ids[2], ids[3], ids[5], ids[6]],
      [wsB, ids[1], ids[4]],
    ]);
    const done = await db
      .selectFrom('jobs')
      .select('status')
      .where('name', '=', 'campaign.message_status')
      .execute();
    expect(done.map((j) => j.status)).toEqual(Array(7).fill('done'));

    // When running them together fails, each runs alone: the good ones are done, the bad one alone is retried.
    failTogether = true;
    await enqueueJob(
      db,
      clock,
      'campaign.message_status',
      { messageIds: [ids[0] as string] },
      { workspaceId: wsA },
    );
    await enqueueJob(db, clock, 'campaign.message_status', { messageIds: [poison] }, { workspaceId: wsA });
    await enqueueJob(
      db,
      clock,
      'campaign.message_status',
      { messageIds: [ids[1] as string] },
      { workspaceId: wsA },
    );
    expect(await runner.runOnce()).toBe(3);
    expect(alone).toEqual([ids[0], ids[1]]);
    const after = await db
      .selectFrom('jobs')
      .select(['status', 'attempts', 'last_error'])
      .where('name', '=', 'campaign.message_status')
      .where('status', '!=', 'done')
      .execute();
    expect(after).toEqual([{ status: 'pending', attempts: 1, last_error: 'poison' }]);
  });
});
