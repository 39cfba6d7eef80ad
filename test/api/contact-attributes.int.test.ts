import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  seedApiKey,
  seedWorkspace,
  type SeededWorkspace,
  type TestApp,
} from '../support/app.ts';

describe('REST /api/v1/contact-attributes and attribute checks on contact writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const define = (ws: SeededWorkspace, body: Record<string, unknown>, auth = ws.auth) =>
    t.app.inject({ method: 'POST', url: '/api/v1/contact-attributes', headers: auth, payload: body });
  const createContact = (ws: SeededWorkspace, body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: ws.auth, payload: body });

  it('keeps attributes free-form while the workspace defines none', async () => {
    const ws = await seedWorkspace(t.ctx);
    const res = await createContact(ws, {
      phone: '+819011110001',
      attributes: { anything: { nested: [1] } },
    });
    expect(res.statusCode).toBe(201);
  });

  it('defines, lists, updates and deletes attributes; only admins write', async () => {
    const ws = await seedWorkspace(t.ctx);
    const agent = await seedApiKey(t.ctx, ws.workspaceId, 'agent');
    expect((await define(ws, { key: 'plan', label: 'Plan', type: 'text' }, agent)).statusCode).toBe(403);
    const plan = await define(ws, {
      key: 'plan',
      label: 'Plan',
      type: 'choice',
      choices: ['gold', 'silver'],
    });
    expect(plan.statusCode).toBe(201);
    expect((await define(ws, { key: 'plan', label: 'Again', type: 'text' })).statusCode).toBe(409);
    expect((await define(ws, { key: 'tier', label: 'Tier', type: 'choice' })).statusCode).toBe(400);
    expect((await define(ws, { key: 'Bad Key', label: 'x', type: 'text' })).statusCode).toBe(400);
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/contact-attributes/${plan.json().id}`,
      headers: ws.auth,
      payload: { label: 'Plan name', choices: ['gold', 'silver', 'bronze'] },
    });
    expect(patched.json()).toMatchObject({ label: 'Plan name', choices: ['gold', 'silver', 'bronze'] });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/contact-attributes', headers: agent });
    expect(list.json().data.map((d: { key: string }) => d.key)).toEqual(['plan']);
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/contact-attributes/${plan.json().id}`,
      headers: ws.auth,
    });
    expect(del.statusCode).toBe(204);
    const other = await seedWorkspace(t.ctx);
    const foreign = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/contact-attributes/${plan.json().id}`,
      headers: other.auth,
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('refuses unknown keys and wrong types with attribute_invalid naming the key, once a schema exists', async () => {
    const ws = await seedWorkspace(t.ctx);
    const legacy = await createContact(ws, { phone: '+819011110002', attributes: { old_field: 'kept' } });
    expect(legacy.statusCode).toBe(201);
    await define(ws, { key: 'visits', label: 'Visits', type: 'number' });
    await define(ws, { key: 'birthday', label: 'Birthday', type: 'date' });
    await define(ws, { key: 'vip', label: 'VIP', type: 'boolean' });

    const unknown = await createContact(ws, { phone: '+819011110003', attributes: { vists: 3 } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'attribute_invalid', details: { key: 'vists' } });
    const wrong = await createContact(ws, { phone: '+819011110003', attributes: { birthday: '2026-02-30' } });
    expect(wrong.json().error).toMatchObject({ code: 'attribute_invalid', details: { key: 'birthday' } });
    const ok = await createContact(ws, {
      phone: '+819011110003',
      attributes: { visits: 3, birthday: '1990-04-01', vip: true },
    });
    expect(ok.statusCode).toBe(201);

    const id = legacy.json().id as string;
    const patch = (attributes: Record<string, unknown>) =>
      t.app.inject({
        method: 'PATCH',
        url: `/api/v1/contacts/${id}`,
        headers: ws.auth,
        payload: { attributes },
      });
    const bad = await patch({ vip: 'yes' });
    expect(bad.json().error).toMatchObject({ code: 'attribute_invalid', details: { key: 'vip' } });
    const good = await patch({ visits: 1 });
    expect(good.json().attributes).toEqual({ old_field: 'kept', visits: 1 });
    const cleared = await patch({ old_field: null });
    expect(cleared.json().attributes).toEqual({ visits: 1 });
  });
});
