import type { Command } from 'commander';
import { silentLogger } from '../server/lib/logger.ts';
import { createMetrics } from '../server/lib/metrics.ts';
import { InboundIngestor } from '../server/pipeline/ingest.ts';
import { markForReplay } from '../server/pipeline/replay.ts';
import { clock, openConfigured, printJson } from './shared.ts';

export function registerWebhookCommands(program: Command): void {
  const webhooks = program.command('webhooks').description('The webhook journal');
  webhooks
    .command('replay')
    .description('Reprocess journaled webhook bodies (idempotent: already-applied items are skipped)')
    .option('--from-id <id>', 'first journal id', (v) => Number.parseInt(v, 10))
    .option('--to-id <id>', 'last journal id', (v) => Number.parseInt(v, 10))
    .option('--since <iso>', 'received at or after this time')
    .option('--failed', 'only bodies that failed or had items dead-lettered')
    .option('--no-process', 'only mark them; running workers pick them up')
    .action(
      async (opts: {
        fromId?: number;
        toId?: number;
        since?: string;
        failed?: boolean;
        process: boolean;
      }) => {
        const { database } = await openConfigured();
        try {
          const marked = await markForReplay(database.db, {
            fromId: opts.fromId,
            toId: opts.toId,
            since: opts.since ? new Date(opts.since) : undefined,
            failedOnly: opts.failed ?? false,
          });
          let processed = 0;
          if (opts.process)
            processed = await new InboundIngestor({
              db: database.db,
              clock,
              logger: silentLogger,
              metrics: createMetrics(),
            }).drain();
          printJson({ marked, processed });
        } finally {
          await database.close();
        }
      },
    );
}
