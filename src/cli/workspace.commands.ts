import type { Command } from 'commander';
import { seedDemo } from '../server/modules/workspaces/demo.service.ts';
import { createWorkspace } from '../server/modules/workspaces/workspaces.service.ts';
import { clock, openConfigured, printJson } from './shared.ts';
import { applyInboundMessages } from '../server/pipeline/inbound-apply.ts';

export function registerWorkspaceCommands(program: Command): void {
  const workspace = program.command('workspace').description('Manage workspaces');
  workspace
    .command('create')
    .description(
      "Create a workspace with an owner login and an owner API key named 'initial' (see `tsunagi keys`)",
    )
    .requiredOption('--name <name>', 'workspace name')
    .option('--email <email>', 'owner email (default: generated)')
    .option('--password <password>', 'owner password (default: generated)')
    .option('--timezone <tz>', 'IANA timezone', 'Asia/Tokyo')
    .option('--json', 'print {"workspaceId","apiKey","email","password"} as JSON')
    .action(
      async (opts: { name: string; email?: string; password?: string; timezone: string; json?: boolean }) => {
        const { database } = await openConfigured();
        try {
          const created = await createWorkspace(database.db, clock, {
            name: opts.name,
            email: opts.email,
            password: opts.password,
            timezone: opts.timezone,
          });
          if (opts.json) printJson(created);
          else
            process.stdout.write(
              `Workspace ${created.workspaceId}\n  login:   ${created.email} / ${created.password || '(existing user, password unchanged)'}\n  API key: ${created.apiKey}  (owner role, named 'initial'; list, rotate or revoke it with: tsunagi keys)\n`,
            );
        } finally {
          await database.close();
        }
      },
    );
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Seed a demo workspace with simulator numbers, contacts and conversations')
    .option('--size <size>', 'small, or large (100k contacts, 1M messages, for benchmarks)', 'small')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { size: string; json?: boolean }) => {
      if (opts.size !== 'small' && opts.size !== 'large') throw new Error('--size must be small or large');
      const { database, secrets } = await openConfigured();
      try {
        const started = Date.now();
        const seed = await seedDemo(
          { db: database.db, clock, secrets, applyInbound: applyInboundMessages },
          { size: opts.size },
        );
        if (opts.json) printJson({ ...seed, seconds: (Date.now() - started) / 1000 });
        else
          process.stdout.write(
            `Demo workspace ${seed.workspaceId} (${opts.size}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n  login:   ${seed.email} / ${seed.password}\n  API key: ${seed.apiKey}\n`,
          );
      } finally {
        await database.close();
      }
    });
}
