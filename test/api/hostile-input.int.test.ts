import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/server/http/context.ts';
import {
  createTestApp,
  seedApiKey,
  seedInboundConversation,
  seedPhoneNumber,
  seedWorkspace,
  type TestApp,
} from '../support/app.ts';

/**
 * Every route `/api/openapi.json` lists — whatever the modules register, so routes added later are covered
 * too — is called over real HTTP as an admin of workspace A with generated hostile values: U+0000, lone
 * surrogates, 10,000-deep nesting, huge strings, wrong types, and the ids of workspace B's objects in path,
 * query and body. No answer may be a 5xx, no answer may carry B's data, and B's rows must be unchanged.
 * Bounded (a few cases per operation, fixed seed printed on failure) so it runs in `npm test`.
 */

type Json = Record<string, unknown>;
type Schema = Json;

const SEED = 20261204;
/** Cases per operation; `HOSTILE_RUNS=100 npx vitest run test/api/hostile-input.int.test.ts` explores more. */
const RUNS_PER_OPERATION = Number(process.env.HOSTILE_RUNS ?? 10);
/** Marks every name of workspace B's objects: it must never appear in an answer to A. */
const B_MARK = 'zzWorkspaceBzz';
/** A placeholder the request serialiser writes as `[[[…]]]` nested 10,000 deep. */
const DEEP = '\u2063deep\u2063';
const serialize = (v: unknown): string =>
  JSON.stringify(v).replaceAll(JSON.stringify(DEEP), '['.repeat(10_000) + ']'.repeat(10_000));

const hostileStrings = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '😀\ud83d',
  '',
  ' ',
  'A'.repeat(70_000),
  "' or 1=1 --",
  '../../etc/passwd',
  '%00',
  '日本語テキスト',
  'tag:vip and event.x within 7d',
  '+819012345678',
  '2026-03-02T01:00:00Z',
];

/** Ids of a workspace's objects by resource (`contacts`, `teams`…) as the API's paths name them. */
type Pools = Record<string, string[]>;
interface Ids {
  own: Pools;
  other: Pools;
}
/** The resource a body or query field names (`contactId` → `contacts`). */
const FIELD_RESOURCE: Record<string, string> = {
  contactId: 'contacts',
  phoneNumberId: 'phone-numbers',
  teamId: 'teams',
  assigneeId: 'users',
  userId: 'users',
  conversationId: 'conversations',
  messageId: 'messages',
};

/**
 * Percent-encodes a path segment; a lone surrogate (which no URL can carry as text) is sent as the bytes
 * ED A0 80 — UTF-8 would never encode a surrogate, so the server receives invalid UTF-8.
 */
function encodePathSegment(value: string): string {
  return value
    .split(/([\ud800-\udbff][\udc00-\udfff])/)
    .map((part, i) =>
      i % 2 === 1
        ? encodeURIComponent(part)
        : [...part].map((ch) => (/[\ud800-\udfff]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join(''),
    )
    .join('');
}

describe('hostile input on every API route', () => {
  let t: TestApp;
  let ctx: AppContext;
  let base: string;
  let auth: { authorization: string };
  let workspaceA: string;
  let workspaceB: string;
  const ids: Ids = { own: {}, other: {} };

  async function seed(workspaceId: string, mark: string, key: { authorization: string }): Promise<Pools> {
    const pools: Pools = { workspaces: [workspaceId] };
    const add = (resource: string, id: string | undefined) => {
      if (id) (pools[resource] ??= []).push(id);
    };
    const number = await seedPhoneNumber(ctx, workspaceId);
    add('phone-numbers', number.id);
    add('phone-numbers', number.phoneNumberId);
    const conv = await seedInboundConversation(ctx, {
      workspaceId,
      phoneNumberId: number.id,
      waId: '819012340000',
      name: `${mark} customer`,
      text: `${mark} hello`,
    });
    add('conversations', conv.conversationId);
    add('contacts', conv.contactId);
    add('messages', conv.messageId);
    const post = async (resource: string, url: string, body: unknown) => {
      const res = await fetch(base + url, {
        method: 'POST',
        headers: { ...key, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { id?: string };
      add(resource, json.id);
    };
    await post('teams', '/api/v1/teams', { name: `${mark} team` });
    await post('quick-replies', '/api/v1/quick-replies', {
      shortcut: `${mark.toLowerCase()}qr`,
      body: `${mark} reply`,
    });
    await post('notes', `/api/v1/contacts/${conv.contactId}/notes`, { body: `${mark} note` });
    await post('events', `/api/v1/contacts/${conv.contactId}/events`, {
      name: 'order_placed',
      properties: { mark },
    });
    await post('contacts', '/api/v1/contacts', {
      phone: '+819012349999',
      name: `${mark} contact`,
      attributes: { mark },
    });
    await fetch(`${base}/api/v1/contacts/${conv.contactId}/tags/${mark}`, { method: 'PUT', headers: key });
    const members = await ctx.db
      .selectFrom('memberships')
      .select('user_id')
      .where('workspace_id', '=', workspaceId)
      .execute();
    for (const m of members) add('users', m.user_id);
    add('tags', mark);
    return pools;
  }

  /** A digest of every row of workspace B: each table with a workspace_id, its workspace and members' users. */
  async function snapshotB(): Promise<string> {
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.columns
      where column_name = 'workspace_id' and table_schema = 'public' order by table_name`.execute(ctx.db);
    const parts: string[] = [];
    for (const { table_name } of tables.rows) {
      const r = await sql<{ d: string | null }>`
        select md5(string_agg(t::text, '|' order by t::text)) as d from ${sql.table(table_name)} t
        where t.workspace_id = ${workspaceB}`.execute(ctx.db);
      parts.push(`${table_name}:${r.rows[0]?.d ?? ''}`);
    }
    const r = await sql<{ d: string | null }>`
      select md5(string_agg(t::text, '|' order by t::text)) as d from (
        select w::text from workspaces w where w.id = ${workspaceB}
        union all select u::text from users u join memberships m on m.user_id = u.id where m.workspace_id = ${workspaceB}
      ) t`.execute(ctx.db);
    parts.push(`workspace+users:${r.rows[0]?.d ?? ''}`);
    return parts.join('\n');
  }

  beforeAll(async () => {
    t = await createTestApp();
    ctx = t.ctx;
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const a = await seedWorkspace(ctx, 'Workspace A');
    const b = await seedWorkspace(ctx, `${B_MARK} workspace`);
    workspaceA = a.workspaceId;
    workspaceB = b.workspaceId;
    auth = await seedApiKey(ctx, workspaceA, 'admin');
    ids.own = await seed(workspaceA, 'WorkspaceA', a.auth);
    ids.other = await seed(workspaceB, B_MARK, b.auth);
  });
  afterAll(async () => t?.close());

  // ---- arbitraries from the OpenAPI schemas ----

  /** An id: most often one of this resource's objects in B or in A, else any object's id, a uuid, junk. */
  const idLike = (resource?: string) => {
    const all = (p: Pools) => Object.values(p).flat();
    const own = (resource && ids.own[resource]) || all(ids.own);
    const other = (resource && ids.other[resource]) || all(ids.other);
    return fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...other) },
      { weight: 3, arbitrary: fc.constantFrom(...own) },
      { weight: 1, arbitrary: fc.constantFrom(...all(ids.other)) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 2, arbitrary: fc.constantFrom(...hostileStrings) },
    );
  };
  const hostileString = () =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '😀\ud83d') },
      { weight: 3, arbitrary: fc.constantFrom(...hostileStrings) },
      { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
    );
  const wrongType = fc.constantFrom<unknown>(null, 0, -1, 1e300, true, [], {}, DEEP, 'A'.repeat(70_000));

  function fromSchema(schema: Schema | undefined, depth = 0, field?: string): fc.Arbitrary<unknown> {
    if (!schema || depth > 6) return fc.oneof(hostileString(), wrongType);
    const alt = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
    if (alt) return fc.oneof(...alt.map((s) => fromSchema(s, depth + 1, field)));
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (Array.isArray(schema.enum))
      return fc.oneof(fc.constantFrom(...(schema.enum as unknown[])), hostileString());
    const type = Array.isArray(schema.type)
      ? (schema.type as string[])[0]
      : (schema.type as string | undefined);
    const typed = ((): fc.Arbitrary<unknown> => {
      switch (type) {
        case 'string':
          if (schema.format === 'uuid' || (field && FIELD_RESOURCE[field]))
            return idLike(field && FIELD_RESOURCE[field]);
          if (schema.format === 'date-time')
            return fc.oneof(fc.constant('2026-03-02T01:00:00Z'), hostileString());
          return fc.oneof(hostileString(), idLike(field === 'tag' ? 'tags' : undefined));
        case 'integer':
        case 'number':
          return fc.constantFrom(0, 1, -1, 5, 2 ** 31, 1e15, 1.5);
        case 'boolean':
          return fc.boolean();
        case 'array':
          return fc.array(fromSchema(schema.items as Schema | undefined, depth + 1), { maxLength: 3 });
        case 'object': {
          const props = (schema.properties ?? {}) as Record<string, Schema>;
          const required = new Set((schema.required ?? []) as string[]);
          const keys = Object.keys(props);
          if (keys.length === 0)
            return fc.dictionary(hostileString(), fc.oneof(hostileString(), wrongType), { maxKeys: 3 });
          return fc
            .record(Object.fromEntries(keys.map((k) => [k, fromSchema(props[k], depth + 1, k)])))
            .chain((rec) =>
              fc.subarray(Object.keys(rec)).map((kept) => {
                const out: Json = {};
                for (const k of Object.keys(rec)) if (required.has(k) || kept.includes(k)) out[k] = rec[k];
                return out;
              }),
            );
        }
        default:
          return fc.oneof(hostileString(), wrongType);
      }
    })();
    return fc.oneof({ weight: 5, arbitrary: typed }, { weight: 1, arbitrary: wrongType });
  }

  interface Operation {
    method: string;
    path: string;
    params: Array<{ in: string; name: string; schema?: Schema }>;
    body?: Schema;
  }

  /** The resource a path parameter names: the segment before `{id}`, or `tags` for `{tag}`. */
  function resourceOf(path: string, param: string): string | undefined {
    if (param === 'tag') return 'tags';
    const segments = path.split('/');
    const at = segments.indexOf(`{${param}}`);
    return at > 0 ? segments[at - 1] : undefined;
  }

  function requestArb(op: Operation) {
    const pathParams = op.params.filter((p) => p.in === 'path');
    const query = op.params.filter((p) => p.in === 'query');
    return fc.record({
      path: fc.record(
        Object.fromEntries(pathParams.map((p) => [p.name, idLike(resourceOf(op.path, p.name))])),
      ),
      query: fc.record(
        Object.fromEntries(
          query.map((p) => [
            p.name,
            fromSchema(p.schema, 0, p.name).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
          ]),
        ),
        { requiredKeys: [] },
      ),
      body: op.body
        ? fc.oneof({ weight: 6, arbitrary: fromSchema(op.body) }, { weight: 1, arbitrary: fc.constant(DEEP) })
        : fc.constant(undefined),
      idempotencyKey: fc.constantFrom('k-1', 'x'.repeat(3000), ''),
    });
  }

  async function send(
    op: Operation,
    req: { path: Json; query: Json; body: unknown; idempotencyKey: string },
  ) {
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodePathSegment(String(req.path[name])),
    );
    const qs = new URLSearchParams(
      Object.entries(req.query).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    const headers: Record<string, string> = { ...auth };
    if (op.params.some((p) => p.in === 'header' && p.name === 'idempotency-key') && req.idempotencyKey)
      headers['idempotency-key'] = req.idempotencyKey;
    let body: string | undefined;
    if (req.body !== undefined && op.method !== 'GET' && op.method !== 'DELETE') {
      headers['content-type'] = 'application/json';
      body = serialize(req.body);
    }
    const res = await fetch(`${base}${path}${qs ? `?${qs}` : ''}`, { method: op.method, headers, body });
    if (res.headers.get('content-type')?.includes('text/event-stream')) {
      await res.body?.cancel();
      return { status: res.status, text: '' };
    }
    return { status: res.status, text: await res.text() };
  }

  it('stores U+0000 and lone surrogates as U+FFFD and refuses too-deep JSON with 400 (finding 8)', async () => {
    const [contactId] = ids.own.contacts ?? [];
    const [conversationId] = ids.own.conversations ?? [];
    const call = async (method: string, url: string, body?: string) => {
      const res = await fetch(base + url, {
        method,
        headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body,
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const nul = JSON.stringify('n\u0000l');
    const lone = JSON.stringify('l\ud800e');
    const cases: Array<[string, string, string, string]> = [
      ['contact name', 'POST', '/api/v1/contacts', `{"phone":"+819011110000","name":${nul}}`],
      ['note', 'POST', `/api/v1/contacts/${contactId}/notes`, `{"body":${nul}}`],
      [
        'message',
        'POST',
        `/api/v1/conversations/${conversationId}/messages`,
        `{"type":"text","text":{"body":${nul}}}`,
      ],
      [
        'lone surrogate message',
        'POST',
        `/api/v1/conversations/${conversationId}/messages`,
        `{"type":"text","text":{"body":${lone}}}`,
      ],
      ['team', 'POST', '/api/v1/teams', `{"name":${nul}}`],
      ['quick reply', 'POST', '/api/v1/quick-replies', `{"shortcut":"nulqr","title":${nul},"body":${nul}}`],
      ['attribute key', 'PATCH', `/api/v1/contacts/${contactId}`, `{"attributes":{${nul}:${lone}}}`],
    ];
    for (const [name, method, url, body] of cases) {
      const res = await call(method, url, body);
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      expect(JSON.stringify(res.body), name).toContain('\ufffd');
    }
    expect((await call('GET', '/api/v1/contacts?q=%00')).status).toBe(200);
    expect((await call('GET', '/api/v1/conversations?q=a%00b')).status).toBe(200);
    const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const tooDeep = await call('PATCH', `/api/v1/contacts/${contactId}`, `{"attributes":${deep(5000)}}`);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body).toMatchObject({ error: { code: 'validation_failed' } });
    const bare = await call('POST', '/api/v1/teams', '['.repeat(10_000) + ']'.repeat(10_000));
    expect(bare).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    const attrs = await call('PATCH', `/api/v1/contacts/${contactId}`, `{"attributes":${deep(11)}}`);
    expect(attrs.status).toBe(400);
    expect(attrs.body).toMatchObject({
      error: {
        code: 'validation_failed',
        details: { issues: [{ path: '/attributes/a/a/a/a/a/a/a/a/a/a' }] },
      },
    });
    expect((await call('PATCH', `/api/v1/contacts/${contactId}`, `{"attributes":${deep(9)}}`)).status).toBe(
      200,
    );
    // Numbers stored in an integer column are bounded by it (1e15 answered 500).
    const [numberId] = ids.own['phone-numbers'] ?? [];
    for (const [url, method, body] of [
      ['/api/v1/automation/rollback', 'POST', '{"version":1000000000000000}'],
      [`/api/v1/phone-numbers/${numberId}`, 'PATCH', '{"messagingLimit":1000000000000000}'],
    ] as const)
      expect(await call(method, url, body), url).toMatchObject({
        status: 400,
        body: { error: { code: 'validation_failed' } },
      });
  });

  it(
    'answers no 5xx, leaks nothing of workspace B and changes none of its rows',
    async () => {
      const spec = (await (await fetch(`${base}/api/openapi.json`)).json()) as {
        paths: Record<string, Json>;
      };
      const operations: Operation[] = [];
      for (const [path, methods] of Object.entries(spec.paths))
        for (const [method, raw] of Object.entries(methods)) {
          const op = raw as Json;
          const content = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
          operations.push({
            method: method.toUpperCase(),
            path,
            params: (op.parameters ?? []) as Operation['params'],
            body: content?.['application/json']?.schema as Schema | undefined,
          });
        }
      expect(operations.length).toBeGreaterThan(30);

      const before = await snapshotB();
      const problems: string[] = [];
      for (const [index, op] of operations.entries()) {
        const seed = SEED + index;
        const result = await fc.check(
          fc.asyncProperty(requestArb(op), async (req) => {
            const res = await send(op, req);
            if (res.status >= 500) throw new Error(`${res.status} ${res.text.slice(0, 300)}`);
            // An answer may echo what A itself sent (a team A named after B's tag); anything else is a leak.
            if (res.text.includes(B_MARK) && !serialize(req).includes(B_MARK))
              throw new Error(`answer carries workspace B's data: ${res.text.slice(0, 300)}`);
          }),
          { seed, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
        );
        if (result.failed) {
          const example = JSON.stringify(result.counterexample, (_k, v: unknown) =>
            typeof v === 'string' && v.length > 80 ? `${v.slice(0, 20)}…(${v.length})` : v,
          );
          problems.push(
            `${op.method} ${op.path} (seed ${seed}): ${String((result.errorInstance as Error | null)?.message ?? '').slice(0, 300)} with ${example.slice(0, 400)}`,
          );
        }
        const after = await snapshotB();
        if (after !== before) {
          problems.push(`${op.method} ${op.path} changed workspace B's rows`);
          break;
        }
        // A route may have revoked or demoted the caller (a users or keys route): carry on as a fresh admin.
        if ((await fetch(`${base}/api/v1/contacts`, { headers: auth })).status === 401)
          auth = await seedApiKey(ctx, workspaceA, 'admin');
      }
      expect(problems).toEqual([]);
    },
    60_000 + RUNS_PER_OPERATION * 6_000,
  );
});
