/**
 * Rule-based tags on real SQL: a rule keeps its tag on exactly the contacts its condition selects as time passes
 * (fake clock; scheduled runs through the scheduler and a drained queue), never removes a tag a person set, never
 * touches another workspace, and its routes follow the segments' role policy and workspace scoping. Tag hygiene
 * (report, conflicts, delete, merge) on the same harness: definitions with the fake clock, roles, isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../src/server/jobs/queue.ts';
import { Scheduler } from '../../src/server/jobs/scheduler.service.ts';
import { unusedBefore } from '../../src/server/modules/tag-rules/tag-hygiene.rules.ts';
import { tagRulesJobs, tagRulesTickSchedule } from '../../src/server/modules/tag-rules/tag-rules.jobs.ts';
import {
  createTestApp,
  seedApiKey,
  seedWorkspace,
  type SeededWorkspace,
  type TestApp,
} from '../support/app.ts';

const DAY = 86_400_000;

describe('tag rules', () => {
  let t: TestApp;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;
  let runner: JobRunner;
  let scheduler: Scheduler;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-06-01T00:00:00.000Z' });
    ws = await seedWorkspace(t.ctx);
    other = await seedWorkspace(t.ctx, 'Other');
    runner = new JobRunner(t.ctx.db, t.clock, 'test-worker');
    for (const job of tagRulesJobs({ db: t.ctx.db, clock: t.clock })) runner.register(job);
    scheduler = new Scheduler({ db: t.ctx.db, clock: t.clock }, [tagRulesTickSchedule]);
    await scheduler.tick(); // first sight: the schedule waits for its next quarter hour
  });
  afterAll(async () => t?.close());

  const api = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    auth: object,
    payload?: unknown,
  ) =>
    t.app.inject({ method, url, headers: auth as Record<string, string>, ...(payload ? { payload } : {}) });

  async function contact(w: SeededWorkspace, phone: string): Promise<string> {
    const res = await api('POST', '/api/v1/contacts', w.auth, { phone });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  }
  async function event(w: SeededWorkspace, id: string, name: string): Promise<void> {
    const res = await api('POST', `/api/v1/contacts/${id}/events`, w.auth, {
      name,
      at: t.clock.now().toISOString(),
    });
    expect(res.statusCode).toBe(201);
  }
  async function tagsOf(w: SeededWorkspace, id: string): Promise<string[]> {
    return (await api('GET', `/api/v1/contacts/${id}`, w.auth)).json().tags as string[];
  }
  /** Moves the fake clock, lets the scheduler enqueue what is due and drains the queue. */
  async function passTime(ms: number): Promise<void> {
    t.clock.advance(ms);
    await scheduler.tick();
    await runner.drain();
  }

  it('adds the tag where the condition holds and removes it on the scheduled run once it no longer does', async () => {
    const buyer = await contact(ws, '+81 90-1000-0001');
    const browser = await contact(ws, '+81 90-1000-0002');
    const theirs = await contact(other, '+81 90-1000-0001');
    await event(ws, buyer, 'order_placed');
    await event(other, theirs, 'order_placed');
    // A person tagged someone who never ordered, and the other workspace tags its own by hand.
    expect((await api('PUT', `/api/v1/contacts/${browser}/tags/buyer`, ws.auth)).statusCode).toBe(200);

    const created = await api('POST', '/api/v1/tag-rules', ws.auth, {
      tag: 'buyer',
      condition: 'event.order_placed within 7d',
    });
    expect(created.statusCode).toBe(201);
    const rule = created.json();
    expect(rule).toMatchObject({
      tag: 'buyer',
      enabled: true,
      lastRun: null,
      conditionText: 'event.order_placed within 7d',
    });
    // Creating it enqueued a run: draining the queue runs it.
    expect(await runner.drain()).toBe(1);
    expect(await tagsOf(ws, buyer)).toEqual(['buyer']);
    expect(await tagsOf(other, theirs)).toEqual([]);
    const ran = (await api('GET', `/api/v1/tag-rules/${rule.id}`, ws.auth)).json();
    expect(ran.lastRun).toMatchObject({ at: '2026-06-01T00:00:00.000Z', added: 1, removed: 0 });
    expect(ran.lastRun.durationMs).toBeGreaterThanOrEqual(0);

    // Six days on, the order is still within 7 days: the scheduled runs change nothing.
    await passTime(6 * DAY);
    expect(await tagsOf(ws, buyer)).toEqual(['buyer']);
    // Eight days after the order, the scheduled run removes the rule's tag — not the one a person set.
    await passTime(2 * DAY);
    expect(await tagsOf(ws, buyer)).toEqual([]);
    expect(await tagsOf(ws, browser)).toEqual(['buyer']);
    const after = (await api('GET', `/api/v1/tag-rules/${rule.id}`, ws.auth)).json();
    expect(after.lastRun).toMatchObject({ at: '2026-06-09T00:00:00.000Z', added: 0, removed: 1 });

    // A new order brings it back on demand; the run answers with its counts.
    await event(ws, buyer, 'order_placed');
    const now = await api('POST', `/api/v1/tag-rules/${rule.id}/run`, ws.auth);
    expect(now.statusCode).toBe(200);
    expect(now.json().lastRun).toMatchObject({ added: 1, removed: 0 });
    expect(await tagsOf(ws, buyer)).toEqual(['buyer']);

    // A person who sets the tag the rule had added makes it theirs: the rule no longer removes it.
    expect((await api('PUT', `/api/v1/contacts/${buyer}/tags/buyer`, ws.auth)).statusCode).toBe(200);
    await passTime(8 * DAY);
    expect(await tagsOf(ws, buyer)).toEqual(['buyer']);
    await api('DELETE', `/api/v1/tag-rules/${rule.id}`, ws.auth);
  });

  it('follows a change of condition or tag, skips disabled rules, and deleting it removes only its tags', async () => {
    const gold = await contact(ws, '+81 90-2000-0001');
    const silver = await contact(ws, '+81 90-2000-0002');
    await api('PATCH', `/api/v1/contacts/${gold}`, ws.auth, { attributes: { plan: 'gold' } });
    await api('PATCH', `/api/v1/contacts/${silver}`, ws.auth, { attributes: { plan: 'silver' } });
    await api('PUT', `/api/v1/contacts/${silver}/tags/premium`, ws.auth);
    const rule = (
      await api('POST', '/api/v1/tag-rules', ws.auth, {
        tag: 'premium',
        condition: 'contact.attributes.plan = "gold"',
      })
    ).json();
    await runner.drain();
    expect(await tagsOf(ws, gold)).toEqual(['premium']);

    // The condition changes: a run is enqueued with the change.
    const changed = await api('PATCH', `/api/v1/tag-rules/${rule.id}`, ws.auth, {
      condition: { type: 'attr', key: 'plan', op: '=', value: 'silver' },
    });
    expect(changed.json()).toMatchObject({
      conditionText: null,
      condition: { type: 'attr', value: 'silver' },
    });
    expect(await runner.drain()).toBe(1);
    expect(await tagsOf(ws, gold)).toEqual([]);
    expect(await tagsOf(ws, silver)).toEqual(['premium']); // a person's tag: never the rule's

    // A new tag name moves the rule's tags to it.
    await api('PATCH', `/api/v1/tag-rules/${rule.id}`, ws.auth, {
      condition: 'contact.attributes.plan exists',
    });
    await runner.drain();
    expect(await tagsOf(ws, gold)).toEqual(['premium']);
    await api('PATCH', `/api/v1/tag-rules/${rule.id}`, ws.auth, { tag: 'paying' });
    await runner.drain();
    expect(await tagsOf(ws, gold)).toEqual(['paying']);
    expect(await tagsOf(ws, silver)).toEqual(['paying', 'premium']);

    // Disabled: not run by the schedule nor on demand; its tags stay as they were.
    await api('PATCH', `/api/v1/tag-rules/${rule.id}`, ws.auth, { enabled: false });
    await api('PATCH', `/api/v1/contacts/${gold}`, ws.auth, { attributes: { plan: null } });
    await passTime(15 * 60_000);
    expect(await tagsOf(ws, gold)).toEqual(['paying']);
    const refused = await api('POST', `/api/v1/tag-rules/${rule.id}/run`, ws.auth);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('conflict');
    // Enabling runs it.
    await api('PATCH', `/api/v1/tag-rules/${rule.id}`, ws.auth, { enabled: true });
    await runner.drain();
    expect(await tagsOf(ws, gold)).toEqual([]);

    expect((await api('DELETE', `/api/v1/tag-rules/${rule.id}`, ws.auth)).statusCode).toBe(204);
    expect(await tagsOf(ws, silver)).toEqual(['premium']);
  });

  it('never tags a contact merged into another', async () => {
    const survivor = await contact(ws, '+81 90-3000-0001');
    const merged = await contact(ws, '+81 90-3000-0002');
    await api('PATCH', `/api/v1/contacts/${merged}`, ws.auth, { attributes: { tier: 'x' } });
    const rule = (
      await api('POST', '/api/v1/tag-rules', ws.auth, { tag: 'tiered', condition: 'attr.tier exists' })
    ).json();
    await runner.drain();
    expect(await tagsOf(ws, merged)).toEqual(['tiered']);
    const merge = await api('POST', `/api/v1/contacts/${survivor}/merge`, ws.auth, {
      sourceContactId: merged,
    });
    expect(merge.statusCode).toBeLessThan(300);
    const run = await api('POST', `/api/v1/tag-rules/${rule.id}/run`, ws.auth);
    expect(run.statusCode).toBe(200);
    const rows = await t.ctx.db
      .selectFrom('contact_tags')
      .select('contact_id')
      .where('rule_id', '=', rule.id)
      .execute();
    expect(rows.map((r) => r.contact_id)).not.toContain(merged);
    await api('DELETE', `/api/v1/tag-rules/${rule.id}`, ws.auth);
  });

  it('refuses bad conditions with stable codes and a second rule for one tag with 409', async () => {
    const bad = await api('POST', '/api/v1/tag-rules', ws.auth, { tag: 'x', condition: 'contact.tags has' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_condition', details: { position: 16 } });
    const tree = await api('POST', '/api/v1/tag-rules', ws.auth, {
      tag: 'x',
      condition: { type: 'attr', key: 'plan', op: 'like', value: 'x' },
    });
    expect(tree.json().error.code).toBe('validation_failed');
    const first = await api('POST', '/api/v1/tag-rules', ws.auth, { tag: 'dup', condition: 'tag:a' });
    expect(first.statusCode).toBe(201);
    const second = await api('POST', '/api/v1/tag-rules', ws.auth, { tag: 'dup', condition: 'tag:b' });
    expect(second.statusCode).toBe(409);
    const patch = await api('PATCH', `/api/v1/tag-rules/${first.json().id}`, ws.auth, { condition: 'tag:' });
    expect(patch.json().error.code).toBe('invalid_condition');
    await api('DELETE', `/api/v1/tag-rules/${first.json().id}`, ws.auth);
  });

  it('lets owners and admins manage and every other role read, as segments do', async () => {
    const admin = await seedApiKey(t.ctx, ws.workspaceId, 'admin');
    const agent = await seedApiKey(t.ctx, ws.workspaceId, 'agent');
    const analyst = await seedApiKey(t.ctx, ws.workspaceId, 'analyst');
    const created = await api('POST', '/api/v1/tag-rules', admin, { tag: 'roles', condition: 'tag:vip' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    for (const reader of [agent, analyst]) {
      expect(
        (await api('GET', '/api/v1/tag-rules', reader)).json().data.map((r: { id: string }) => r.id),
      ).toContain(id);
      expect((await api('GET', `/api/v1/tag-rules/${id}`, reader)).statusCode).toBe(200);
      expect(
        (await api('POST', '/api/v1/tag-rules', reader, { tag: 'no', condition: 'tag:vip' })).statusCode,
      ).toBe(403);
      expect((await api('PATCH', `/api/v1/tag-rules/${id}`, reader, { enabled: false })).statusCode).toBe(
        403,
      );
      expect((await api('POST', `/api/v1/tag-rules/${id}/run`, reader)).statusCode).toBe(403);
      expect((await api('DELETE', `/api/v1/tag-rules/${id}`, reader)).statusCode).toBe(403);
    }
    expect((await api('POST', `/api/v1/tag-rules/${id}/run`, admin)).statusCode).toBe(200);
    expect((await api('DELETE', `/api/v1/tag-rules/${id}`, admin)).statusCode).toBe(204);
  });

  it("answers 404 for another workspace's rule on every route, and its runs touch only its workspace", async () => {
    const mine = await contact(ws, '+81 90-4000-0001');
    const theirs = await contact(other, '+81 90-4000-0001');
    for (const [w, id] of [
      [ws, mine],
      [other, theirs],
    ] as const)
      await api('PATCH', `/api/v1/contacts/${id}`, w.auth, { attributes: { city: 'Osaka' } });
    // The other workspace set the same tag by hand on its own contact.
    await api('PUT', `/api/v1/contacts/${theirs}/tags/osaka`, other.auth);
    const rule = (
      await api('POST', '/api/v1/tag-rules', ws.auth, { tag: 'osaka', condition: 'attr.city = "osaka"' })
    ).json();
    await runner.drain();
    expect(await tagsOf(ws, mine)).toEqual(['osaka']);
    await api('PATCH', `/api/v1/contacts/${mine}`, ws.auth, { attributes: { city: 'Kyoto' } });
    await api('POST', `/api/v1/tag-rules/${rule.id}/run`, ws.auth);
    expect(await tagsOf(ws, mine)).toEqual([]);
    expect(await tagsOf(other, theirs)).toEqual(['osaka']);
    const theirRows = await t.ctx.db
      .selectFrom('contact_tags')
      .select('rule_id')
      .where('workspace_id', '=', other.workspaceId)
      .execute();
    expect(theirRows.every((r) => r.rule_id === null)).toBe(true);

    const base = `/api/v1/tag-rules/${rule.id}`;
    for (const [method, url, payload] of [
      ['GET', base, undefined],
      ['PATCH', base, { enabled: false }],
      ['POST', `${base}/run`, undefined],
      ['DELETE', base, undefined],
    ] as const) {
      const res = await api(method, url, other.auth, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    expect((await api('GET', '/api/v1/tag-rules', other.auth)).json().data).toEqual([]);
    expect((await api('GET', base, ws.auth)).json().enabled).toBe(true);
  });

  describe('hygiene', () => {
    const MONTH = 30 * DAY;
    const hygiene = async (w: { authorization: string }) => {
      const res = await api('GET', '/api/v1/tags/hygiene', w);
      expect(res.statusCode).toBe(200);
      return res.json();
    };
    const tag = async (w: SeededWorkspace, id: string, name: string) =>
      expect((await api('PUT', `/api/v1/contacts/${id}/tags/${name}`, w.auth)).statusCode).toBe(200);
    const audit = (w: SeededWorkspace, action: string) =>
      t.ctx.db
        .selectFrom('audit_log')
        .select(['target_id', 'data'])
        .where('workspace_id', '=', w.workspaceId)
        .where('action', '=', action)
        .execute();

    it('counts 6 calendar months back in UTC, clamped to the end of a shorter month', () => {
      const at = (iso: string) => unusedBefore(new Date(iso)).toISOString();
      expect(at('2026-12-15T10:30:00.000Z')).toBe('2026-06-15T10:30:00.000Z');
      expect(at('2026-08-31T00:00:00.000Z')).toBe('2026-02-28T00:00:00.000Z');
      expect(at('2026-03-31T23:59:59.000Z')).toBe('2025-09-30T23:59:59.000Z');
    });

    it('lists a tag nobody got for 6 months and nothing references; not one used 5 months ago', async () => {
      const h = await seedWorkspace(t.ctx, 'Hygiene unused');
      const a = await contact(h, '+81 90-5000-0001');
      const b = await contact(h, '+81 90-5000-0002');
      const since = t.clock.now().toISOString();
      await tag(h, a, 'old');
      await tag(h, a, 'Segmented'); // referenced by a segment (tags compare case-insensitively)
      await tag(h, a, 'ruled'); // kept by a (disabled) rule
      await tag(other, await contact(other, '+81 90-5000-0001'), 'theirs');
      await api('POST', '/api/v1/segments', h.auth, { name: 's', condition: 'contact.tags has segmented' });
      await api('POST', '/api/v1/tag-rules', h.auth, { tag: 'ruled', condition: 'tag:x', enabled: false });
      t.clock.advance(MONTH + DAY);
      await tag(h, b, 'recent');
      await tag(h, b, 'old'); // a second contact got "old" — its newest use is now
      expect((await hygiene(h.auth)).unused).toEqual([]);
      t.clock.advance(5 * MONTH + 10 * DAY); // "recent" and b's "old": 5⅓ months old; a's: 6⅓
      expect((await hygiene(h.auth)).unused).toEqual([]);
      await api('DELETE', `/api/v1/contacts/${b}/tags/old`, h.auth);
      // Now "old"'s newest use is more than 6 calendar months ago; "recent" is not.
      const report = await hygiene(h.auth);
      expect(report.unused).toEqual([{ tag: 'old', contacts: 1, lastUsedAt: since }]);
      // The other workspace's tag is as old, but not ours to report; theirs lists only their own.
      expect((await hygiene(other.auth)).unused.map((u: { tag: string }) => u.tag)).not.toContain('old');
    });

    it('counts contacts with more than 15 tags and resolves declared conflicts by `keep`', async () => {
      const h = await seedWorkspace(t.ctx, 'Hygiene over');
      const many = await contact(h, '+81 90-6000-0001');
      const fifteen = await contact(h, '+81 90-6000-0002');
      for (let i = 1; i <= 16; i++) await tag(h, many, `t${String(i).padStart(2, '0')}`);
      for (let i = 1; i <= 15; i++) await tag(h, fifteen, `t${String(i).padStart(2, '0')}`);
      const over = (await hygiene(h.auth)).overTagged;
      expect(over.count).toBe(1);
      expect(over.sample).toHaveLength(1);
      expect(over.sample[0]).toMatchObject({ contactId: many });
      expect(over.sample[0].tags).toHaveLength(16);

      // Declared in either order: stored sorted, `keep` follows the tag it named.
      const put = await api('PUT', '/api/v1/tags/conflicts', h.auth, [
        { a: 'wholesale', b: 'retail', keep: 'b' },
        { a: 'lead', b: 'customer' },
      ]);
      expect(put.statusCode).toBe(200);
      expect(put.json().data).toEqual([
        { a: 'customer', b: 'lead', keep: null },
        { a: 'retail', b: 'wholesale', keep: 'a' },
      ]);
      const same = await api('PUT', '/api/v1/tags/conflicts', h.auth, [{ a: 'x', b: 'x' }]);
      expect(same.json().error.code).toBe('validation_failed');
      const both = await contact(h, '+81 90-6000-0003');
      const lead = await contact(h, '+81 90-6000-0004');
      for (const name of ['retail', 'wholesale', 'lead', 'customer']) await tag(h, both, name);
      await tag(h, lead, 'lead');
      const theirs = await contact(other, '+81 90-6000-0003');
      await tag(other, theirs, 'retail');
      await tag(other, theirs, 'wholesale');
      expect((await hygiene(h.auth)).conflicts).toEqual([
        { tags: ['customer', 'lead'], keep: null, contacts: 1 },
        { tags: ['retail', 'wholesale'], keep: 'a', contacts: 1 },
      ]);
      expect((await hygiene(other.auth)).conflicts).toEqual([]);

      const analyst = await seedApiKey(t.ctx, h.workspaceId, 'analyst');
      expect((await api('POST', '/api/v1/tags/conflicts/resolve', analyst)).statusCode).toBe(403);
      const resolved = await api('POST', '/api/v1/tags/conflicts/resolve', h.auth);
      expect(resolved.json()).toEqual({ removed: 1 });
      // Only the pair with `keep` is resolved; the other workspace's contact keeps both.
      expect(await tagsOf(h, both)).toEqual(['customer', 'lead', 'retail']);
      expect(await tagsOf(other, theirs)).toEqual(['retail', 'wholesale']);
      expect((await hygiene(h.auth)).conflicts).toEqual([
        { tags: ['customer', 'lead'], keep: null, contacts: 1 },
      ]);
      expect(await audit(h, 'tag.conflicts_resolved')).toEqual([{ target_id: null, data: { removed: 1 } }]);
    });

    it('merges and deletes tags set-based in one workspace, audited, not a tag a rule keeps', async () => {
      const h = await seedWorkspace(t.ctx, 'Hygiene merge');
      const a = await contact(h, '+81 90-7000-0001');
      const b = await contact(h, '+81 90-7000-0002');
      const theirs = await contact(other, '+81 90-7000-0001');
      await tag(h, a, 'Osaka-shi');
      await tag(h, b, 'Osaka-shi');
      await tag(h, b, 'osaka');
      await tag(other, theirs, 'Osaka-shi');
      await api('PUT', '/api/v1/tags/conflicts', h.auth, [{ a: 'Osaka-shi', b: 'kyoto', keep: 'a' }]);

      const merged = await api('POST', '/api/v1/tags/merge', h.auth, { from: 'Osaka-shi', to: 'osaka' });
      expect(merged.statusCode).toBe(200);
      expect(merged.json()).toEqual({ contacts: 2 });
      expect(await tagsOf(h, a)).toEqual(['osaka']);
      expect(await tagsOf(h, b)).toEqual(['osaka']);
      expect(await tagsOf(other, theirs)).toEqual(['Osaka-shi']);
      // The pair naming the merged-away tag is forgotten.
      expect((await api('GET', '/api/v1/tags/conflicts', h.auth)).json().data).toEqual([]);
      expect(await audit(h, 'tag.merged')).toEqual([
        { target_id: 'osaka', data: { from: 'Osaka-shi', to: 'osaka', contacts: 2 } },
      ]);

      // A tag a rule keeps would come back on its next run: refused.
      await api('POST', '/api/v1/tag-rules', h.auth, {
        tag: 'osaka',
        condition: 'tag:never',
        enabled: false,
      });
      for (const [url, body] of [
        ['/api/v1/tags/osaka/delete', undefined],
        ['/api/v1/tags/merge', { from: 'osaka', to: 'kansai' }],
      ] as const) {
        const res = await api('POST', url, h.auth, body);
        expect(res.statusCode, url).toBe(409);
        expect(res.json().error.code).toBe('conflict');
      }
      await tag(h, a, 'stale');
      const admin = await seedApiKey(t.ctx, h.workspaceId, 'admin');
      const agent = await seedApiKey(t.ctx, h.workspaceId, 'agent');
      for (const role of [agent, await seedApiKey(t.ctx, h.workspaceId, 'analyst')]) {
        expect((await api('POST', '/api/v1/tags/stale/delete', role)).statusCode).toBe(403);
        expect((await api('POST', '/api/v1/tags/merge', role, { from: 'stale', to: 'x' })).statusCode).toBe(
          403,
        );
        expect((await api('PUT', '/api/v1/tags/conflicts', role, [])).statusCode).toBe(403);
      }
      expect((await api('GET', '/api/v1/tags/hygiene', agent)).statusCode).toBe(403);
      // Another workspace deleting "stale" touches nothing of ours.
      expect((await api('POST', '/api/v1/tags/stale/delete', other.auth)).json()).toEqual({ contacts: 0 });
      expect(await tagsOf(h, a)).toEqual(['osaka', 'stale']);
      const deleted = await api('POST', '/api/v1/tags/stale/delete', admin);
      expect(deleted.json()).toEqual({ contacts: 1 });
      expect(await tagsOf(h, a)).toEqual(['osaka']);
      expect(await audit(h, 'tag.deleted')).toEqual([{ target_id: 'stale', data: { contacts: 1 } }]);
    });
  });
});
