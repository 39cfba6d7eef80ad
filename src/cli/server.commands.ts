import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig, parseRoles, type Config } from '../server/config.ts';
import { startTsunagi, type Tsunagi } from '../server/main.ts';
import { seedDemo } from '../server/modules/workspaces/demo.service.ts';
import { openConfigured, printJson } from './shared.ts';
import { applyInboundMessages } from '../server/pipeline/inbound-apply.ts';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Run Tsunagi (default: every role in one process)')
    .option('--role <roles>', 'comma-separated roles: api, worker, scheduler')
    .action(async (opts: { role?: string }) => {
      const config = loadConfig();
      if (opts.role) config.roles = parseRoles(opts.role);
      const tsunagi = await startTsunagi(config, { deferReady: true });
      const demo = await ensureDemo(config, tsunagi);
      printBanner(config, tsunagi, demo);
      // Ready only now: a probe (or a script waiting for /readyz) can rely on the demo login existing. The
      // background roles start here too, once the demo numbers are registered with the simulator.
      await tsunagi.markReady();
      let stopping = false;
      const shutdown = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        tsunagi.ctx.logger.info({ signal }, 'shutting down: finishing in-flight sends');
        await tsunagi.close();
        process.exit(0);
      };
      process.on('SIGINT', () => void shutdown('SIGINT'));
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
    });
}

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations')
    .action(async () => {
      const { database } = await openConfigured();
      const rows = await database.db
        .selectFrom('schema_migrations')
        .select(['name', 'applied_at'])
        .orderBy('name')
        .execute();
      await database.close();
      printJson({ database: database.kind, migrations: rows.map((r) => r.name) });
    });
}

interface DemoCredentials {
  workspaceId: string;
  email: string;
  password: string;
  apiKey: string;
}

/**
 * On a fresh embedded install, seeds the demo workspace once and keeps its credentials in the data directory
 * (mode 0600) so every start can print them. With PostgreSQL nothing is seeded: use `tsunagi workspace create`.
 */
async function ensureDemo(config: Config, tsunagi: Tsunagi): Promise<DemoCredentials | null> {
  if (config.databaseUrl || !config.simulator) return null;
  const file = path.join(config.dataDir, 'demo-credentials.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as DemoCredentials;
  const any = await tsunagi.ctx.db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  const seed = await seedDemo(
    {
      db: tsunagi.ctx.db,
      clock: tsunagi.ctx.clock,
      secrets: tsunagi.ctx.secrets,
      applyInbound: applyInboundMessages,
    },
    { automation: true },
  );
  await tsunagi.resyncSimulator();
  const creds = {
    workspaceId: seed.workspaceId,
    email: seed.email,
    password: seed.password,
    apiKey: seed.apiKey,
  };
  fs.writeFileSync(file, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  return creds;
}

function printBanner(config: Config, tsunagi: Tsunagi, demo: DemoCredentials | null): void {
  const lines = ['', '  Tsunagi つなぎ is running', ''];
  if (tsunagi.url) {
    lines.push(`  Console     ${tsunagi.url}/`);
    lines.push(`  API         ${tsunagi.url}/api/v1  (OpenAPI: ${tsunagi.url}/api/openapi.json)`);
  }
  if (demo) {
    lines.push(`  Demo login  ${demo.email} / ${demo.password}`);
    lines.push(`  API key     ${demo.apiKey}`);
  }
  if (tsunagi.simulator) {
    lines.push(`  Simulator   ${tsunagi.url}/simulator  (control API: ${tsunagi.url}/simulator/control)`);
    lines.push(`  Sim token   ${tsunagi.simulatorControlToken ?? ''}  (Authorization: Bearer …)`);
    if (config.databaseUrl)
      lines.push(
        '  WARNING     TSUNAGI_SIMULATOR=on with PostgreSQL: the simulator is mounted; never use real numbers here',
      );
  }
  lines.push(`  Database    ${config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`}`);
  const own = tsunagi.threadRoles;
  const main = config.roles.filter((r) => !own.includes(r));
  lines.push(
    `  Roles       ${main.join(', ')}${own.length > 0 ? `; ${own.join(', ')} on their own thread` : ''}`,
    '',
  );
  process.stdout.write(lines.join('\n') + '\n');
}
