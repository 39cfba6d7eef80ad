import type { Command } from 'commander';
import { z } from 'zod';
import { ApiKeyCreateSchema, type ApiKeyDto } from '../contracts/api-keys.schemas.ts';
import type { Db } from '../server/db/types.ts';
import type { KeyActor } from '../server/modules/api-keys/api-keys.rules.ts';
import {
  issueApiKey,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
} from '../server/modules/api-keys/api-keys.service.ts';
import { clock, openConfigured, printJson } from './shared.ts';

/** The CLI acts as the operator: it has the database, so no role limits it (see api-keys.rules.ts). */
const OPERATOR: KeyActor = { kind: 'operator', role: 'owner', userId: null, apiKeyId: null };

const WorkspaceId = z.uuid({ message: '--workspace must be a workspace id (uuid)' });
const KeyId = z.uuid({ message: 'the key id must be a uuid (see `tsunagi keys list`)' });

/** Parses with zod and turns the first issue into a plain error message (the CLI prints it and exits 1). */
function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new Error(`${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid'}`);
}

/** Runs `fn` against the configured database and closes it. */
async function withDb<T>(fn: (deps: { db: Db }) => Promise<T>): Promise<T> {
  const { database } = await openConfigured();
  try {
    return await fn({ db: database.db });
  } finally {
    await database.close();
  }
}

function line(k: ApiKeyDto): string {
  const cols = [
    k.id,
    `${k.prefix}…`,
    k.role.padEnd(7),
    k.status.padEnd(7),
    k.name,
    `created ${k.createdAt}${k.createdBy ? ` by ${k.createdBy.name}` : ''}`,
    `last used ${k.lastUsedAt ?? 'never'}`,
    k.expiresAt ? `expires ${k.expiresAt}` : '',
  ];
  return cols.filter(Boolean).join('  ');
}

/** `tsunagi keys list|create|rotate|revoke --workspace <id>`: API keys, as the operator. */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description("Manage a workspace's API keys");

  keys
    .command('list')
    .description('List API keys (never their secrets), newest first')
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--json', 'print {"data":[…]} as JSON')
    .action(async (opts: { workspace: string; json?: boolean }) => {
      const workspaceId = parse(WorkspaceId, opts.workspace);
      const data = await withDb((d) => listApiKeys({ ...d, clock }, workspaceId, OPERATOR));
      if (opts.json) printJson({ data });
      else process.stdout.write(data.length ? `${data.map(line).join('\n')}\n` : 'No API keys\n');
    });

  keys
    .command('create')
    .description('Create an API key and print its secret (shown once)')
    .requiredOption('--workspace <id>', 'workspace id')
    .requiredOption('--name <name>', 'what the key is for')
    .requiredOption('--role <role>', 'owner, admin, agent or analyst')
    .option('--expires <iso>', 'when it stops working, e.g. 2027-03-31T00:00:00+09:00')
    .option('--json', 'print the key with its secret as JSON')
    .action(
      async (opts: { workspace: string; name: string; role: string; expires?: string; json?: boolean }) => {
        const workspaceId = parse(WorkspaceId, opts.workspace);
        const input = parse(ApiKeyCreateSchema, {
          name: opts.name,
          role: opts.role,
          expiresAt: opts.expires,
        });
        const key = await withDb((d) => issueApiKey({ ...d, clock }, workspaceId, OPERATOR, input));
        if (opts.json) printJson(key);
        else process.stdout.write(`${line(key)}\n  secret: ${key.secret}\n`);
      },
    );

  keys
    .command('rotate')
    .description('Give a key a new secret (same id, name and role); the old secret stops working at once')
    .argument('<keyId>', 'the key id (see `tsunagi keys list`)')
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--json', 'print the key with its new secret as JSON')
    .action(async (keyId: string, opts: { workspace: string; json?: boolean }) => {
      const workspaceId = parse(WorkspaceId, opts.workspace);
      const id = parse(KeyId, keyId);
      const key = await withDb((d) => rotateApiKey({ ...d, clock }, workspaceId, OPERATOR, id));
      if (opts.json) printJson(key);
      else process.stdout.write(`${line(key)}\n  secret: ${key.secret}\n`);
    });

  keys
    .command('revoke')
    .description('Revoke a key: it stops working at once')
    .argument('<keyId>', 'the key id (see `tsunagi keys list`)')
    .requiredOption('--workspace <id>', 'workspace id')
    .option('--json', 'print the key as JSON')
    .action(async (keyId: string, opts: { workspace: string; json?: boolean }) => {
      const workspaceId = parse(WorkspaceId, opts.workspace);
      const id = parse(KeyId, keyId);
      const { apiKey } = await withDb((d) => revokeApiKey({ ...d, clock }, workspaceId, OPERATOR, id));
      if (opts.json) printJson(apiKey);
      else process.stdout.write(`${line(apiKey)}\n`);
    });
}
