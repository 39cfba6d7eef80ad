import type { Command } from 'commander';
import { startStandaloneSimulator } from '../simulator/index.ts';

export function registerSimulatorCommand(program: Command): void {
  program
    .command('simulator')
    .description('Run the WhatsApp Cloud API simulator on its own (Graph API at /, control API at /control)')
    .option('--port <port>', 'port to listen on', (v) => Number.parseInt(v, 10), 4000)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option(
      '--webhook-url <url>',
      'where to deliver signed webhooks (e.g. http://127.0.0.1:3000/webhooks/whatsapp)',
    )
    .requiredOption('--app-secret <secret>', 'app secret used to sign X-Hub-Signature-256')
    .option(
      '--control-token <token>',
      'token the control API requires (Authorization: Bearer …); default: a random one, printed at start',
    )
    .option('--delivered-ms <ms>', 'delay before "delivered"', (v) => Number.parseInt(v, 10))
    .option('--read-ms <ms>', 'delay before "read" (-1: never)', (v) => Number.parseInt(v, 10))
    .action(
      async (opts: {
        port: number;
        host: string;
        webhookUrl?: string;
        appSecret: string;
        controlToken?: string;
        deliveredMs?: number;
        readMs?: number;
      }) => {
        const delays =
          opts.deliveredMs !== undefined || opts.readMs !== undefined
            ? {
                sent: 0,
                delivered: opts.deliveredMs ?? 1000,
                read: opts.readMs === undefined ? 3000 : opts.readMs < 0 ? null : opts.readMs,
              }
            : undefined;
        const sim = await startStandaloneSimulator({
          port: opts.port,
          host: opts.host,
          webhookUrl: opts.webhookUrl,
          appSecret: opts.appSecret,
          ...(opts.controlToken ? { controlToken: opts.controlToken } : {}),
          ...(delays ? { statusDelaysMs: delays } : {}),
        });
        process.stdout.write(
          `Cloud API simulator listening on ${sim.url} (Graph API at /, control API at /control)\n` +
            (opts.controlToken ? '' : `Control token: ${sim.controlToken}\n`),
        );
        const stop = async () => {
          await sim.close();
          process.exit(0);
        };
        process.on('SIGINT', () => void stop());
        process.on('SIGTERM', () => void stop());
      },
    );
}
