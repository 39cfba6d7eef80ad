import { Command } from 'commander';
import { registerAnalyticsCommands } from './analytics.commands.ts';
import { registerKeysCommands } from './keys.commands.ts';
import { registerDemoCommand, registerWorkspaceCommands } from './workspace.commands.ts';
import { registerMigrateCommand, registerStartCommand } from './server.commands.ts';
import { registerSimulatorCommand } from './simulator.commands.ts';
import { registerUsersCommands } from './users.commands.ts';
import { registerWebhookCommands } from './webhooks.commands.ts';

/**
 * The `tsunagi` command. Every subcommand reads configuration from the environment (see README), so the
 * same flags work on a laptop (embedded PGlite) and in production (DATABASE_URL).
 */
const program = new Command()
  .name('tsunagi')
  .description('Self-hosted customer engagement for businesses on WhatsApp (official Cloud API)')
  .showHelpAfterError();

registerStartCommand(program);
registerMigrateCommand(program);
registerSimulatorCommand(program);
registerWorkspaceCommands(program);
registerDemoCommand(program);
registerWebhookCommands(program);
registerUsersCommands(program);
registerKeysCommands(program);
registerAnalyticsCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`tsunagi: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
