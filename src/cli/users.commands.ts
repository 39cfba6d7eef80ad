import type { Command } from 'commander';
import {
  listAccounts,
  operatorResetLink,
  setAccountDeactivated,
  type AccountSummary,
} from '../server/modules/users/accounts.service.ts';
import { clock, openConfigured, printJson } from './shared.ts';

function printAccount(a: AccountSummary): void {
  const state = a.deactivatedAt ? `deactivated ${a.deactivatedAt}` : 'active';
  process.stdout.write(`${a.email}  ${a.name}  (${state})  ${a.id}\n`);
  for (const w of a.workspaces)
    process.stdout.write(
      `    ${w.role.padEnd(8)} ${w.name}  ${w.id}${w.deactivatedAt ? '  (deactivated here)' : ''}\n`,
    );
}

/**
 * `tsunagi users …`: the server operator's account commands. Workspace admins manage memberships in the
 * console; only the operator (or the account itself) changes an account for all its workspaces.
 */
export function registerUsersCommands(program: Command): void {
  const users = program
    .command('users')
    .description("Accounts across workspaces (the server operator's tools)");
  users
    .command('list')
    .description('Every account with its workspaces, roles and states')
    .option('--json', 'print a JSON array')
    .action(async (opts: { json?: boolean }) => {
      const { database } = await openConfigured();
      try {
        const accounts = await listAccounts({ db: database.db, clock });
        if (opts.json) printJson(accounts);
        else accounts.forEach(printAccount);
      } finally {
        await database.close();
      }
    });

  for (const [name, deactivated, description] of [
    ['deactivate', true, 'Deactivate an account in every workspace (ends its sessions)'],
    ['activate', false, 'Reactivate a deactivated account'],
  ] as const) {
    users
      .command(name)
      .description(description)
      .requiredOption('--email <email>', "the account's e-mail")
      .option('--json', 'print the account as JSON')
      .action(async (opts: { email: string; json?: boolean }) => {
        const { database } = await openConfigured();
        try {
          const account = await setAccountDeactivated({ db: database.db, clock }, opts.email, deactivated);
          if (opts.json) printJson(account);
          else printAccount(account);
        } finally {
          await database.close();
        }
      });
  }

  users
    .command('reset-password')
    .description('Print a one-time link (valid 24 h) that lets the account set a new password')
    .requiredOption('--email <email>', "the account's e-mail")
    .option('--json', 'print {"url","expiresAt"} as JSON')
    .action(async (opts: { email: string; json?: boolean }) => {
      const { config, database } = await openConfigured();
      try {
        const baseUrl = config.publicUrl ?? `http://localhost:${config.port}`;
        const link = await operatorResetLink({ db: database.db, clock }, opts.email, baseUrl);
        if (opts.json) printJson(link);
        else process.stdout.write(`${link.url}\n  valid until ${link.expiresAt}, once\n`);
      } finally {
        await database.close();
      }
    });
}
