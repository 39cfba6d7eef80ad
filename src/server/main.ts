import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { systemClock, type Clock } from '../lib/clock.ts';
import { randomToken } from './lib/crypto.ts';
import { Simulator, registerSimulatorRoutes, sameOriginWebhookUrl } from '../simulator/index.ts';
import { SIMULATOR_GRAPH_PATH, type Config, type Role } from './config.ts';
import { openDatabase, type DatabaseHandle } from './db/connect.ts';
import { listMigrations, migrate } from './db/migrate.ts';
import { createHttpApp } from './http/app.ts';
import type { AppContext } from './http/context.ts';
import { RealtimeHub } from './http/realtime.ts';
import { analyzeJob, analyzeSchedule, purgeJob, purgeSchedule } from './jobs/maintenance.jobs.ts';
import { Scheduler } from './jobs/scheduler.service.ts';
import { wakeSnoozedJob, wakeSnoozedSchedule } from './modules/conversations/conversations.jobs.ts';
import { searchBackfillJob, searchBackfillSchedule } from './modules/search/search-backfill.jobs.ts';
import { JobRunner } from './jobs/queue.ts';
import { contactImportJob } from './modules/contacts/contact-imports.jobs.ts';
import { contactBulkJob } from './modules/contacts/contacts-bulk.jobs.ts';
import { recordConsentChanges } from './modules/consent/consent.service.ts';
import { SecretBox } from './lib/crypto.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import { WorkLoop } from './lib/loop.ts';
import { createMetrics, type Metrics } from './lib/metrics.ts';
import { Dispatcher } from './pipeline/dispatcher.ts';
import { InboundIngestor } from './pipeline/ingest.ts';
import { WEBHOOKS_CHANNEL, WebhookJournal, type WebhookSink } from './pipeline/journal.ts';
import { WebhookSpool } from './pipeline/journal-spool.ts';
import { mediaFetchJob } from './modules/media/media-fetch.jobs.ts';
import { readReceiptJob } from './modules/conversations/read-receipts.jobs.ts';
import { CompiledAutomationCache } from './modules/automation/automation-config.service.ts';
import { automationJobs } from './modules/automation/automation.jobs.ts';
import { consentKeywordJob } from './modules/consent/consent.jobs.ts';
import { templatesJobs, templatesRefreshSchedule } from './modules/templates/templates.jobs.ts';
import { analyticsJobs, analyticsRefreshSchedule } from './modules/analytics/analytics.jobs.ts';
import { campaignsJobs, campaignsTickSchedule, SENDING_JOBS } from './modules/campaigns/campaigns.jobs.ts';
import { activityTiersJob, activityTiersSchedule } from './modules/contacts/contacts-activity.jobs.ts';
import { tagRulesJobs, tagRulesTickSchedule } from './modules/tag-rules/tag-rules.jobs.ts';
import { remindersJobs, remindersTickSchedule } from './modules/reminders/reminders.jobs.ts';
import { archiveInactiveJob, archiveInactiveSchedule } from './modules/contacts/contacts-archive.jobs.ts';
import { publicOrigin } from './http/links.ts';
import { releaseClaimsAfterRestart } from './pipeline/outbox.repository.ts';
import { SERVICE_WINDOW_MS } from './modules/messages/messages.rules.ts';
import { OUTBOX_CHANNEL } from './modules/messages/messages.service.ts';
import { loadSecretKey, loadSimulatorControlToken, webhookSecrets } from './secrets-setup.ts';
import { createGraphClient } from './whatsapp/graph-client.ts';
import { RolesThread } from './roles-remote.ts';

/** Jobs the shared job loop claims at a time. */
const JOB_CLAIM = 50;

/** Journal rows an ingest worker takes per transaction. */
const INGEST_BATCH = 500;
/** Ingest loops per process on PostgreSQL (their batches are disjoint: `FOR UPDATE SKIP LOCKED`). */
const INGEST_LOOPS_POSTGRES = 2;

export interface TsunagiOverrides {
  clock?: Clock;
  logger?: Logger;
  fetch?: typeof fetch;
  /** Open this database instead of the configured one (tests hand in a cloned template). */
  database?: DatabaseHandle;
  /** Do not start the background loops (tests drive ingest/dispatch with drain()). */
  manual?: boolean;
  /** Simulator status delays (tests use 0 and a fake clock). */
  simulatorStatusDelaysMs?: { sent: number; delivered: number; read: number | null };
  /** Source of randomness for automatic reply delays (tests fix it). */
  random?: () => number;
  /**
   * `/readyz` answers 503 `starting`, and the background roles wait, until `markReady()` (the start command
   * finishes its own set-up first).
   */
  deferReady?: boolean;
  /** `false`: the `worker` role here runs ingest and jobs but not the dispatcher (the roles thread). */
  dispatch?: boolean;
  /** The metrics registry to count into (the roles thread keeps its own, which `/metrics` merges in). */
  metrics?: Metrics;
}

/** A running Tsunagi: what `tsunagi start` holds, and what end-to-end tests drive. */
export interface Tsunagi {
  ctx: AppContext;
  app: FastifyInstance;
  url: string;
  simulator: Simulator | null;
  /** The simulator control API's token (`Authorization: Bearer …`), null without a simulator. */
  simulatorControlToken: string | null;
  ingestor: InboundIngestor;
  dispatcher: Dispatcher;
  jobs: JobRunner;
  scheduler: Scheduler;
  /** Processes everything due now: webhooks, then jobs, then sends (tests). */
  drain(): Promise<void>;
  /** Re-registers numbers (and open customer windows) in the built-in simulator after data changed underneath. */
  resyncSimulator(): Promise<void>;
  /** The roles this process runs on their own thread (`roles-thread.ts`); empty when all run on this one. */
  threadRoles: Role[];
  /** From now on `/readyz` answers ready; starts the background roles if `deferReady` held them back. */
  markReady(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The composition root: opens the database, applies migrations, builds services with their narrow
 * dependencies, mounts the simulator when enabled, starts the roles' loops, and listens. Plain functions, no DI
 * framework; every dependency on the outside world (clock, fetch, database) can be overridden by tests.
 */
export async function startTsunagi(config: Config, overrides: TsunagiOverrides = {}): Promise<Tsunagi> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const database =
    overrides.database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.dbPoolSize,
    }));
  const db = database.db;
  const applied = await migrate(db);
  // A new database (every migration just applied) is not news: the first start's terminal shows the banner only.
  if (applied.length > 0 && applied.length === listMigrations().length)
    logger.debug({ applied: applied.length }, 'database created');
  else if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  if (database.kind === 'pglite') {
    const released = await releaseClaimsAfterRestart(db, clock.now());
    if (released.requeued + released.reconciling > 0)
      logger.info(
        released,
        'sends claimed before the restart: requeued (never on the wire) or awaiting reconciliation',
      );
  }

  const secretKey = loadSecretKey(config);
  const secrets = new SecretBox(secretKey);
  const { appSecret, verifyToken } = webhookSecrets(config, secretKey);
  const metrics = overrides.metrics ?? createMetrics({ defaultMetrics: !overrides.manual });
  const workerId = config.workerId ?? `${os.hostname()}:${process.pid}:${randomToken('', 4)}`;
  const hasApi = config.roles.includes('api');
  // The background roles beside `api` run on their own thread (roles-thread.ts); this thread keeps `api` and the
  // dispatcher.
  const threadRoles = config.roles.filter((r) => r !== 'api');
  const threaded =
    hasApi &&
    threadRoles.length > 0 &&
    config.workerThread &&
    !overrides.manual &&
    !overrides.database &&
    RolesThread.available();
  const roles: Role[] = threaded ? ['api'] : config.roles;

  let simulator: Simulator | null = null;
  let simulatorControlToken: string | null = null;
  if (config.simulator && hasApi) {
    if (config.databaseUrl)
      logger.warn(
        'TSUNAGI_SIMULATOR=on with DATABASE_URL: the built-in simulator is mounted; never run it beside real WhatsApp numbers',
      );
    simulatorControlToken = loadSimulatorControlToken(config, {
      persist: !overrides.database && !config.databaseUrl,
    });
    simulator = new Simulator({
      clock,
      appSecret: appSecret ?? '',
      fetch: overrides.fetch,
      statusDelaysMs: overrides.simulatorStatusDelaysMs,
      logger,
    });
  }
  // With the built-in simulator the Graph base URL is only known after listen(); the client is rebuilt then.
  const makeGraph = (baseUrl: string) =>
    createGraphClient({
      baseUrl,
      version: config.graphApiVersion,
      fetch: overrides.fetch,
      timeoutMs: config.graphTimeoutSeconds * 1000,
    });

  const realtime = new RealtimeHub(logger);
  // Only a process (thread) that serves SSE hears realtime events; the others only publish them.
  if (hasApi) await realtime.start(database);
  // PGlite with a data directory journals webhooks in a spool file there, so an acknowledgement never waits for
  // the one database connection an ingest batch holds; elsewhere straight into webhook_events (one PGlite journal
  // write in flight lets the next batch grow meanwhile).
  const journal: WebhookSink =
    database.kind === 'pglite' && config.dataDir && !overrides.database
      ? await WebhookSpool.open({
          file: path.join(config.dataDir, 'webhook-spool.log'),
          db: database.urgentDb ?? db,
          clock,
          logger,
        })
      : new WebhookJournal(database.urgentDb ?? db, clock, {
          maxInFlight: database.kind === 'pglite' ? 1 : 4,
        });
  const ctx: AppContext = {
    config,
    database,
    db,
    clock,
    logger,
    metrics,
    secrets,
    graph: makeGraph(config.graphApiUrl ?? 'https://graph.facebook.com'),
    journal,
    realtime,
    appSecret,
    verifyToken,
    simulator,
    simulatorControlToken,
    automationCache: new CompiledAutomationCache(),
    startup: { ready: !overrides.deferReady },
  };
  // Filled in after listen(): the simulator may point webhooks only at this Tsunagi.
  const ownOrigins: string[] = [];
  const app = await createHttpApp(ctx, {
    plugins:
      simulator && simulatorControlToken
        ? [
            async (scope) =>
              registerSimulatorRoutes(scope, simulator as Simulator, {
                graphPrefix: SIMULATOR_GRAPH_PATH,
                controlPrefix: '/simulator/control',
                controlToken: simulatorControlToken as string,
                webhookUrlAllowed: sameOriginWebhookUrl(() => ownOrigins),
              }),
          ]
        : [],
  });

  let url = '';
  if (hasApi) {
    url = await app.listen({ port: config.port, host: config.host });
    ctx.listenUrl = url;
    const publicUrl = config.publicUrl ?? url;
    ownOrigins.push(url, publicUrl);
    if (simulator) {
      simulator.setWebhookUrl(`${url}/webhooks/whatsapp`);
      simulator.setPublicBaseUrl(`${publicUrl}${SIMULATOR_GRAPH_PATH}`);
      if (!config.graphApiUrl) ctx.graph = makeGraph(`${url}${SIMULATOR_GRAPH_PATH}`);
      await syncSimulatorNumbers(ctx, simulator);
    }
  }

  const ingestor = new InboundIngestor({ db, clock, logger, metrics, exclusive: database.kind === 'pglite' });
  const dispatcher = new Dispatcher({
    db,
    clock,
    logger,
    metrics,
    graph: ctx.graph,
    secrets,
    workerId,
    reconcileTimeoutMs: config.reconcileTimeoutSeconds * 1000,
    requestTimeoutMs: config.graphTimeoutSeconds * 1000,
    numberLeaseMs: config.dispatchLeaseSeconds * 1000,
    oldestUnjournaledWebhookAt: () => journal.oldestBacklogAt,
    wireDb: database.urgentDb,
  });
  const jobs = new JobRunner(db, clock, workerId, (err, job) =>
    logger.warn({ err, job: job.name, jobId: job.id }, 'job failed'),
  );
  jobs.register(mediaFetchJob({ db, clock, graph: ctx.graph, secrets }));
  jobs.register(readReceiptJob({ db, graph: ctx.graph, secrets }));
  const [decide, reply, unread] = automationJobs({
    db,
    clock,
    cache: ctx.automationCache,
    random: overrides.random ?? Math.random,
  });
  jobs.register(decide);
  jobs.register(reply);
  jobs.register(unread);
  jobs.register(wakeSnoozedJob({ db, clock }));
  jobs.register(purgeJob({ db, clock }));
  jobs.register(analyzeJob({ db }));
  jobs.register(consentKeywordJob({ db, clock }));
  const [syncTemplates, refreshTemplates] = templatesJobs({ db, clock, graph: ctx.graph, secrets });
  jobs.register(syncTemplates);
  jobs.register(refreshTemplates);
  jobs.register(searchBackfillJob({ db }));
  jobs.register(
    contactImportJob({
      db,
      clock,
      // A consent column in an import is a consent change like any other: history with source `import`.
      onImportedConsent: (tx, consents) =>
        recordConsentChanges(
          tx,
          clock,
          consents.map((c) => ({
            workspaceId: c.workspaceId,
            contactId: c.contactId,
            purpose: 'marketing',
            state: c.state,
            source: 'import',
            actor: { type: 'system', id: null },
            evidence: { importId: c.importId, row: c.row },
          })),
        ),
    }),
  );
  jobs.register(contactBulkJob({ db, clock }));
  for (const job of analyticsJobs({ db, clock })) jobs.register(job);
  for (const job of campaignsJobs({
    db,
    clock,
    publicOrigin: () => publicOrigin(ctx),
    graph: () => ctx.graph,
    secrets,
  }))
    jobs.register(job);
  jobs.register(activityTiersJob({ db, clock }));
  for (const job of tagRulesJobs({ db, clock })) jobs.register(job);
  for (const job of remindersJobs({ db, clock })) jobs.register(job);
  jobs.register(archiveInactiveJob({ db, clock }));
  // Recurring jobs: the scheduler role enqueues them when due; workers run them.
  const scheduler = new Scheduler({ db, clock }, [
    wakeSnoozedSchedule,
    purgeSchedule,
    templatesRefreshSchedule,
    searchBackfillSchedule,
    analyticsRefreshSchedule,
    campaignsTickSchedule,
    activityTiersSchedule,
    tagRulesTickSchedule,
    remindersTickSchedule,
    archiveInactiveSchedule,
    // PGlite runs no autovacuum: Tsunagi gathers planner statistics itself.
    ...(database.kind === 'pglite' ? [analyzeSchedule] : []),
  ]);

  const loops: WorkLoop[] = [];
  const unlisteners: Array<() => Promise<void>> = [];
  // With the roles thread, the dispatcher stays on this thread (see roles-thread.ts): `worker` is split there.
  const dispatches = config.roles.includes('worker') && !overrides.manual && overrides.dispatch !== false;
  const workerLoopError = (err: unknown, name: string) =>
    logger.error({ err, loop: name }, 'worker loop error');
  if (dispatches) {
    const dispatchLoop = new WorkLoop('dispatch', async () => (await dispatcher.tick(), 0), {
      idleMs: 250,
      onError: workerLoopError,
    });
    loops.push(dispatchLoop);
    unlisteners.push(
      await database.listen(OUTBOX_CHANNEL, (payload) => {
        dispatcher.notify(payload);
        dispatchLoop.wake();
      }),
    );
  }
  if (roles.includes('worker') && !overrides.manual) {
    const onError = workerLoopError;
    // On PostgreSQL two ingest loops overlap one batch's JavaScript (parsing, readings) with the other's SQL;
    // PGlite is one connection, where a second loop would only wait.
    const ingestLoops = Array.from(
      { length: database.kind === 'pglite' ? 1 : INGEST_LOOPS_POSTGRES },
      (_, i) =>
        new WorkLoop(`ingest${i === 0 ? '' : `-${i + 1}`}`, () => ingestor.runOnce(INGEST_BATCH), {
          idleMs: 1000,
          onError,
          coalesce: { fullBatch: INGEST_BATCH, waitMs: database.kind === 'pglite' ? 50 : 10 },
        }),
    );
    // A claim of 50: listener jobs of one workspace among them run together (a broadcast's status backlog).
    const jobLoop = new WorkLoop('jobs', () => jobs.runOnce(JOB_CLAIM), { idleMs: 1000, onError });
    // Campaign release never waits behind listener jobs (the shared loop takes them too, whichever is free).
    const sendingLoop = new WorkLoop('jobs-sending', () => jobs.runOnce(5, SENDING_JOBS), {
      idleMs: 1000,
      onError,
    });
    loops.push(...ingestLoops, jobLoop, sendingLoop);
    unlisteners.push(
      await database.listen(WEBHOOKS_CHANNEL, () => ingestLoops.forEach((loop) => loop.wake())),
    );
  }
  if (roles.includes('scheduler') && !overrides.manual) {
    const onError = (err: unknown, name: string) => logger.error({ err, loop: name }, 'scheduler loop error');
    // Always idle after a tick: due schedules are rare, and one tick enqueues all of them.
    loops.push(
      new WorkLoop('scheduler', async () => (await scheduler.tick(), 0), { idleMs: 10_000, onError }),
    );
  }
  let rolesThread: RolesThread | null = null;
  let background: Promise<void> | null = null;
  const startBackground = async () => {
    for (const loop of loops) loop.start();
    if (!threaded) return;
    const thread = await RolesThread.start({
      config: {
        ...config,
        roles: threadRoles,
        // Jobs call the Graph API too (template sync, media): the built-in simulator answers on this thread's server.
        graphApiUrl: config.graphApiUrl ?? (simulator ? `${url}${SIMULATOR_GRAPH_PATH}` : null),
      },
      database,
      onExit: (err) => {
        // The process cannot do its work without its workers: end it, so its supervisor starts it again.
        logger.error({ err }, 'the worker thread ended; stopping');
        process.exit(1);
      },
    });
    rolesThread = thread;
    ctx.peerMetrics = () => thread.metrics();
  };
  // With deferReady, background work waits for markReady(): the start command first seeds the demo workspace and
  // registers its numbers with the built-in simulator, so no job (a template sync) runs against half of it.
  if (!overrides.deferReady) await (background = startBackground());

  let closed = false;
  return {
    ctx,
    app,
    url,
    simulator,
    simulatorControlToken,
    ingestor,
    dispatcher,
    jobs,
    scheduler,
    threadRoles: threaded ? threadRoles : [],
    async drain() {
      for (let i = 0; i < 20; i++) {
        await simulator?.flush();
        await journal.flush();
        const n = (await ingestor.drain()) + (await jobs.drain());
        await dispatcher.drain();
        await simulator?.flush();
        const more = await ingestor.drain();
        if (n === 0 && more === 0) return;
      }
    },
    async resyncSimulator() {
      if (simulator) await syncSimulatorNumbers(ctx, simulator);
    },
    async markReady() {
      // Ready as soon as the api thread serves: webhooks are journaled while the roles thread starts (~1 s).
      if (ctx.startup) ctx.startup.ready = true;
      await (background ??= startBackground());
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await journal.close();
      await background?.catch(() => undefined);
      await rolesThread?.close();
      await Promise.all(loops.map((l) => l.stop()));
      await dispatcher.stop();
      for (const u of unlisteners) await u();
      await realtime.stop();
      await simulator?.close();
      if (!overrides.database) await database.close();
    },
  };
}

/**
 * Registers every phone number known to Tsunagi in the built-in simulator, and the customers' open service
 * windows (the simulator keeps no state across restarts, and would otherwise refuse replies to them).
 */
export async function syncSimulatorNumbers(ctx: AppContext, simulator: Simulator): Promise<void> {
  const rows = await ctx.db.selectFrom('phone_numbers').selectAll().where('deleted_at', 'is', null).execute();
  for (const row of rows) {
    simulator.registerNumber({
      phoneNumberId: row.phone_number_id,
      displayPhoneNumber: row.display_phone_number,
      wabaId: row.waba_id,
      accessToken: ctx.secrets.open(row.access_token_enc),
      mps: row.mps,
      ...(row.messaging_limit ? { messagingLimit: row.messaging_limit } : {}),
    });
  }
  const since = new Date(ctx.clock.nowMs() - SERVICE_WINDOW_MS);
  const open = await ctx.db
    .selectFrom('conversations')
    .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .innerJoin('phone_numbers', 'phone_numbers.id', 'conversations.phone_number_id')
    .select([
      'phone_numbers.phone_number_id',
      'contacts.wa_id',
      'contacts.profile_name',
      'conversations.last_inbound_at',
    ])
    .where('conversations.last_inbound_at', '>', since)
    .where('phone_numbers.deleted_at', 'is', null)
    .execute();
  for (const c of open) {
    if (c.last_inbound_at)
      simulator.restoreCustomer(c.phone_number_id, c.wa_id, c.last_inbound_at, c.profile_name ?? undefined);
  }
}
