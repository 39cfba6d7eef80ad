import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('GET /api/openapi.json', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('is an OpenAPI 3.1 document describing every REST v1 route', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = JSON.parse(res.body) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { tags?: string[]; summary?: string; responses?: Record<string, unknown> }>
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    const expected: Array<[string, string[]]> = [
      ['/api/v1/phone-numbers', ['get', 'post']],
      ['/api/v1/phone-numbers/{id}', ['get', 'patch', 'delete']],
      ['/api/v1/contacts', ['get', 'post']],
      ['/api/v1/contacts/{id}', ['get', 'patch', 'delete']],
      ['/api/v1/contacts/bulk', ['post']],
      ['/api/v1/contacts/bulk/{id}', ['get']],
      ['/api/v1/contacts/export', ['get', 'post']],
      ['/api/v1/conversations', ['get']],
      ['/api/v1/conversations/{id}', ['get', 'patch']],
      ['/api/v1/conversations/{id}/read', ['post']],
      ['/api/v1/conversations/{id}/messages', ['get', 'post']],
      ['/api/v1/messages', ['post']],
      ['/api/v1/messages/{id}', ['get']],
      ['/api/v1/api-keys', ['get', 'post']],
      ['/api/v1/api-keys/{id}/rotate', ['post']],
      ['/api/v1/api-keys/{id}/revoke', ['post']],
      ['/api/v1/tag-rules', ['get', 'post']],
      ['/api/v1/tag-rules/{id}', ['get', 'patch', 'delete']],
      ['/api/v1/tag-rules/{id}/run', ['post']],
    ];
    for (const [path, methods] of expected) {
      for (const method of methods) {
        const op = doc.paths[path]?.[method];
        expect(op, `${method.toUpperCase()} ${path}`).toBeDefined();
        expect(op?.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
        expect(op?.summary, `${method} ${path} summary`).toBeTruthy();
        expect(Object.keys(op?.responses ?? {}), `${method} ${path} responses`).toContain('401');
      }
    }
  });

  it('documents the send body in the Cloud API shape and the Idempotency-Key header', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const send = doc.paths['/api/v1/messages'].post;
    const text = JSON.stringify(send);
    expect(text).toContain('idempotency-key');
    expect(text).toContain('phoneNumberId');
    expect(text).toContain('"template"');
    expect(text).toContain('"interactive"');
    expect(Object.keys(send.responses)).toEqual(expect.arrayContaining(['200', '202', '422']));
    const list = doc.paths['/api/v1/conversations'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['status', 'assigneeId', 'phoneNumberId', 'unread', 'limit', 'cursor']),
    );
  });
});
