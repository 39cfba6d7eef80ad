import type { Clock } from '../../lib/clock.ts';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/connect.ts';
import type { Db } from '../db/types.ts';
import type { MetricsJson } from '../roles-remote.ts';
import type { SecretBox } from '../lib/crypto.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { WebhookSink } from '../pipeline/journal.ts';
import type { GraphClient } from '../whatsapp/graph-client.ts';
import type { Simulator } from '../../simulator/index.ts';
import type { CompiledAutomationCache } from '../modules/automation/automation-config.service.ts';
import type { RealtimeHub } from './realtime.ts';

/**
 * Everything the HTTP layer's routes may use, built once by the composition root (`main.ts`). Routes pass
 * services only the parts they need.
 */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  secrets: SecretBox;
  graph: GraphClient;
  journal: WebhookSink;
  realtime: RealtimeHub;
  /** HMAC key for X-Hub-Signature-256 (configured or generated for the built-in simulator). */
  appSecret: string | null;
  verifyToken: string | null;
  /**
   * The built-in simulator when mounted (Tsunagi's Graph API is the simulator itself): verified phone numbers'
   * settings are mirrored into it.
   */
  simulator: Simulator | null;
  /** The simulator control API's token (null when no simulator is mounted); signed-in users may read it. */
  simulatorControlToken: string | null;
  /** The address the server listens on, once it does (links fall back to it without TSUNAGI_PUBLIC_URL). */
  listenUrl?: string;
  /** Compiled automation documents by workspace and version (shared by the engine and the dry-run tester). */
  automationCache: CompiledAutomationCache;
  /**
   * Start-up state for `/readyz`: false until whoever started the process says it is ready (`tsunagi start`
   * does after the demo workspace exists and the banner is printed). Absent: ready once the database answers.
   */
  startup?: { ready: boolean };
  /**
   * The metrics of this process's other thread (the background roles, see roles-remote.ts), merged into
   * `/metrics`. Absent when this thread counts everything itself.
   */
  peerMetrics?: () => Promise<MetricsJson>;
}
