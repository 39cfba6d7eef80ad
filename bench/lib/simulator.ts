import { randomBytes } from 'node:crypto';
import type { NumberSpec } from './deployment.ts';
import { JsonClient } from './http.ts';
import { logPath, startNode, type ChildHandle } from './processes.ts';

/** One record of `GET /control/sent`, reduced to what the outbound benchmark reads. */
export interface SentRecordView {
  wamid: string;
  phoneNumberId: string;
  to: string;
  acceptedAt: string;
  body: { biz_opaque_callback_data?: string };
  status: string;
}

/** A violation of `GET /control/violations`. */
export interface ViolationView {
  kind: string;
  phoneNumberId: string;
  details: string;
}

/** Webhook delivery counters of `GET /control/webhooks`. */
export interface WebhookStatsView {
  posts: number;
  delivered: number;
  failedAttempts: number;
  dropped: number;
  duplicates: number;
}

/**
 * The Cloud API simulator as its own process (`tsunagi simulator`), as Meta is another machine: its CPU is
 * measured separately, and its Graph API is the server's `GRAPH_API_URL`. Its control API is called with a
 * control token made up here.
 */
export class SimulatorProcess {
  readonly control: JsonClient;

  private constructor(
    readonly child: ChildHandle,
    readonly port: number,
    controlToken: string,
  ) {
    this.control = new JsonClient(port, { authorization: `Bearer ${controlToken}` });
  }

  static async start(opts: {
    port: number;
    appSecret: string;
    /** Without one, the simulator drops its status webhooks (an investigation setting, see outbound.ts). */
    webhookUrl: string | null;
    dir: string;
  }): Promise<SimulatorProcess> {
    const controlToken = `simctl_${randomBytes(16).toString('hex')}`;
    const child = await startNode({
      name: 'simulator',
      args: [
        'bin/tsunagi.js',
        'simulator',
        '--port',
        String(opts.port),
        '--app-secret',
        opts.appSecret,
        ...(opts.webhookUrl ? ['--webhook-url', opts.webhookUrl] : []),
        '--control-token',
        controlToken,
      ],
      env: { LOG_LEVEL: 'warn' },
      ready: /listening on/,
      logFile: logPath(opts.dir, 'simulator'),
    });
    return new SimulatorProcess(child, opts.port, controlToken);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  registerNumber(n: NumberSpec): Promise<unknown> {
    return this.control.call('POST', '/control/numbers', n);
  }

  /** How many sends of a number the simulator accepted so far (a cheap poll: `limit=1` returns the count). */
  async sentCount(phoneNumberId: string): Promise<number> {
    const res = await this.control.call<{ count: number }>(
      'GET',
      `/control/sent?phoneNumberId=${phoneNumberId}&limit=1`,
    );
    return res.count;
  }

  /** Every accepted send of a number, in acceptance order. */
  async sent(phoneNumberId: string): Promise<SentRecordView[]> {
    const res = await this.control.call<{ sent: SentRecordView[] }>(
      'GET',
      `/control/sent?phoneNumberId=${phoneNumberId}&limit=1000000`,
    );
    return res.sent;
  }

  async violations(): Promise<ViolationView[]> {
    return (await this.control.call<{ violations: ViolationView[] }>('GET', '/control/violations'))
      .violations;
  }

  async webhookStats(): Promise<WebhookStatsView> {
    return (await this.control.call<{ stats: WebhookStatsView }>('GET', '/control/webhooks?limit=1')).stats;
  }

  /**
   * Stops the simulator. Its shutdown delivers every pending webhook first — minutes of status webhooks after a
   * 100,000-message run — which measures nothing, so it gets a few seconds before SIGKILL.
   */
  async stop(): Promise<void> {
    this.control.close();
    await this.child.stop(3000);
  }
}
