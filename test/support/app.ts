import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { FakeClock } from '../../src/lib/clock.ts';
import { newId } from '../../src/lib/ids.ts';
import { loadConfig } from '../../src/server/config.ts';
import type { MemberRole } from '../../src/server/db/types.ts';
import { publishEvents } from '../../src/server/events.ts';
import { createHttpApp } from '../../src/server/http/app.ts';
import type { AppContext } from '../../src/server/http/context.ts';
import { RealtimeHub } from '../../src/server/http/realtime.ts';
import { SecretBox, hashPassword } from '../../src/server/lib/crypto.ts';
import { silentLogger } from '../../src/server/lib/logger.ts';
import { createMetrics } from '../../src/server/lib/metrics.ts';
import { createApiKey } from '../../src/server/modules/api-keys/api-keys.service.ts';
import { registerPhoneNumber } from '../../src/server/modules/phone-numbers/phone-numbers.service.ts';
import { createWorkspace } from '../../src/server/modules/workspaces/workspaces.service.ts';
import { applyInboundMessages } from '../../src/server/pipeline/inbound-apply.ts';
import { WebhookJournal } from '../../src/server/pipeline/journal.ts';
import { CompiledAutomationCache } from '../../src/server/modules/automation/automation-config.service.ts';
import { createGraphClient } from '../../src/server/whatsapp/graph-client.ts';
import { createTestDatabase } from './db.ts';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  clock: FakeClock;
  close(): Promise<void>;
}

/**
 * The HTTP app on a fresh migrated database, without the simulator and without listening (use `app.inject`).
 * Time is a FakeClock; the Graph client points at a closed port unless `graphUrl` is given (nothing is
 * dispatched: no worker runs, so sent messages stay `queued`).
 */
export async function createTestApp(
  opts: {
    graphUrl?: string;
    now?: string;
    /** Environment variables for `loadConfig` (default: none, i.e. embedded defaults). */
    env?: Record<string, string>;
    /** Extra route registrations (as `createHttpApp`'s plugins). */
    plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const clock = new FakeClock(opts.now);
  const realtime = new RealtimeHub(silentLogger);
  await realtime.start(database);
  const ctx: AppContext = {
    config: loadConfig(opts.env ?? {}),
    database,
    db: database.db,
    clock,
    logger: silentLogger,
    metrics: createMetrics(),
    secrets: new SecretBox(SecretBox.generateKey()),
    graph: createGraphClient({ baseUrl: opts.graphUrl ?? 'http://127.0.0.1:9', version: 'v23.0' }),
    journal: new WebhookJournal(database.db, clock),
    realtime,
    simulatorControlToken: null,
    appSecret: 'test-secret',
    verifyToken: 'test-verify',
    simulator: null,
    automationCache: new CompiledAutomationCache(),
  };
  const app = await createHttpApp(ctx, { plugins: opts.plugins });
  await app.ready();
  return {
    app,
    ctx,
    clock,
    async close() {
      await app.close();
      await realtime.stop();
      await database.close();
    },
  };
}

export interface SeededWorkspace {
  workspaceId: string;
  apiKey: string;
  email: string;
  password: string;
  /** Headers for `app.inject`: `{ authorization: 'Bearer …' }` with the owner API key. */
  auth: { authorization: string };
}

/** A new workspace with an owner user and an owner API key. Each test makes its own, so files run in parallel. */
export async function seedWorkspace(ctx: AppContext, name = 'Test workspace'): Promise<SeededWorkspace> {
  const ws = await createWorkspace(ctx.db, ctx.clock, { name });
  return { ...ws, auth: { authorization: `Bearer ${ws.apiKey}` } };
}

/** An API key of the given role in a workspace, as inject headers. */
export async function seedApiKey(
  ctx: AppContext,
  workspaceId: string,
  role: MemberRole,
): Promise<{ authorization: string }> {
  const { key } = await createApiKey(ctx.db, ctx.clock, { workspaceId, name: `${role} key`, role });
  return { authorization: `Bearer ${key}` };
}

/** A user who is a member of the workspace with `role`. Returns the user id. */
export async function seedMember(
  ctx: AppContext,
  workspaceId: string,
  role: MemberRole,
  opts: { deactivated?: boolean } = {},
): Promise<string> {
  const id = newId();
  const now = ctx.clock.now();
  await ctx.db
    .insertInto('users')
    .values({
      id,
      email: `${id}@example.test`,
      name: `${role} ${id.slice(-4)}`,
      password_hash: await hashPassword('x'),
      locale: null,
      created_at: now,
      deactivated_at: opts.deactivated ? now : null,
    })
    .execute();
  await ctx.db
    .insertInto('memberships')
    .values({ workspace_id: workspaceId, user_id: id, role, created_at: now })
    .execute();
  return id;
}

/** A random Cloud API phone number id (they are unique across workspaces). */
export function randomCloudId(): string {
  return String(1_000_000_000_000 + randomInt(0, 2 ** 47));
}

/**
 * Registers a phone number in a workspace directly through the service, as verified (no Graph API here).
 * Returns Tsunagi's id (uuid).
 */
export async function seedPhoneNumber(
  ctx: AppContext,
  workspaceId: string,
  over: { phoneNumberId?: string; displayPhoneNumber?: string } = {},
): Promise<{ id: string; phoneNumberId: string }> {
  const dto = await registerPhoneNumber(
    ctx,
    workspaceId,
    {
      phoneNumberId: over.phoneNumberId ?? randomCloudId(),
      displayPhoneNumber: over.displayPhoneNumber ?? '+81 3-1234-5678',
      wabaId: '102290129340398',
      accessToken: 'test-token',
      mps: 80,
    },
    ctx.clock.now(),
  );
  return { id: dto.id, phoneNumberId: dto.phoneNumberId };
}

/**
 * A customer's text message applied the way ingest applies it (contact and conversation upserted, summary
 * and 24 h window moved, realtime events published). `at` is the WhatsApp timestamp (the window starts there).
 */
export async function seedInboundConversation(
  ctx: AppContext,
  input: {
    workspaceId: string;
    phoneNumberId: string;
    waId: string;
    name?: string | null;
    text?: string;
    at?: Date;
  },
): Promise<{ conversationId: string; contactId: string; messageId: string }> {
  const number = await ctx.db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.phoneNumberId)
    .executeTakeFirstOrThrow();
  const at = input.at ?? ctx.clock.now();
  const wamid = `wamid.TEST${newId().replace(/-/g, '')}`;
  await ctx.db.transaction().execute(async (tx) => {
    const { events } = await applyInboundMessages(tx, ctx.clock, [
      {
        number,
        wamid,
        from: input.waId,
        profileName: input.name ?? null,
        timestamp: Math.floor(at.getTime() / 1000),
        type: 'text',
        content: { type: 'text', text: { body: input.text ?? 'こんにちは' } },
      },
    ]);
    await publishEvents(tx, events);
  });
  const message = await ctx.db
    .selectFrom('messages')
    .select(['id', 'conversation_id', 'contact_id'])
    .where('workspace_id', '=', input.workspaceId)
    .where('phone_number_id', '=', number.id)
    .where('wamid', '=', wamid)
    .executeTakeFirstOrThrow();
  return { conversationId: message.conversation_id, contactId: message.contact_id, messageId: message.id };
}
