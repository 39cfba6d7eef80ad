import type { Command } from 'commander';
import { rebuildWorkspace, refreshAll } from '../server/modules/analytics/analytics-refresh.service.ts';
import { clock, openConfigured, printJson } from './shared.ts';

/** `tsunagi analytics rebuild`: recompute every analytics rollup from facts (docs/metrics.md). */
export function registerAnalyticsCommands(program: Command): void {
  const analytics = program.command('analytics').description('Analytics rollups (see docs/metrics.md)');
  analytics
    .command('rebuild')
    .description('Recompute every analytics rollup from the recorded facts (messages, statuses, activities)')
    .option('--workspace <id>', 'only this workspace (default: every workspace)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { workspace?: string; json?: boolean }) => {
      const { database } = await openConfigured();
      try {
        const started = Date.now();
        const deps = { db: database.db, clock };
        const results = opts.workspace
          ? [await rebuildWorkspace(deps, opts.workspace)]
          : await refreshAll(deps, { rebuild: true });
        const seconds = (Date.now() - started) / 1000;
        if (opts.json) printJson({ workspaces: results, seconds });
        else
          process.stdout.write(
            `Rebuilt analytics of ${results.length} workspace(s) in ${seconds.toFixed(1)} s: ${results.reduce((n, r) => n + r.cases, 0)} service cases from ${results.reduce((n, r) => n + r.conversations, 0)} conversations\n`,
          );
      } finally {
        await database.close();
      }
    });
}
