import path from 'node:path';
import { z } from 'zod';

/**
 * The only reader of `process.env`. Parsed once at start; a bad value stops the process with a message that
 * names the variable. Everything else receives a `Config` value.
 */
const booleanFlag = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => v === 'on' || v === 'true' || v === '1');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  TSUNAGI_DATA_DIR: z.string().default('./data'),
  GRAPH_API_URL: z.string().url().optional(),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v23.0')
    .default('v23.0'),
  WHATSAPP_APP_SECRET: z.string().min(1).optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(1).optional(),
  TSUNAGI_SIMULATOR: booleanFlag.optional(),
  TSUNAGI_SECRET_KEY: z.string().optional(),
  TSUNAGI_PUBLIC_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL')
    .optional(),
  TSUNAGI_TRUST_PROXY: z
    .string()
    .trim()
    .refine(
      (v) => booleanFlag.safeParse(v).success || /^[0-9a-f.:/]+(\s*,\s*[0-9a-f.:/]+)*$/i.test(v),
      'must be on/off or a comma-separated list of proxy addresses or CIDR ranges',
    )
    .optional(),
  TSUNAGI_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TSUNAGI_ROLES: z.string().default('api,worker,scheduler'),
  TSUNAGI_WORKER_THREAD: booleanFlag.default(true),
  TSUNAGI_WORKER_ID: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TSUNAGI_RECONCILE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(120),
  TSUNAGI_GRAPH_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(20),
  TSUNAGI_DISPATCH_LEASE_SECONDS: z.coerce.number().int().min(3).max(600).default(15),
  TSUNAGI_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
});

export type Role = 'api' | 'worker' | 'scheduler';

export interface Config {
  port: number;
  host: string;
  /** Unset → embedded PGlite in `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  graphApiUrl: string | null;
  graphApiVersion: string;
  appSecret: string | null;
  verifyToken: string | null;
  /**
   * Mount the built-in simulator: only when Tsunagi's Graph API is the simulator itself (see
   * {@link decideSimulator}).
   */
  simulator: boolean;
  /** Base64 or hex key for encrypting secrets at rest; generated into the data dir in embedded mode. */
  secretKey: string | null;
  /**
   * The console's public origin (no trailing slash). Every link Tsunagi hands out (invitations, password resets)
   * is built from it, or, when unset, from the address the server listens on — never from request headers.
   */
  publicUrl: string | null;
  /**
   * Whether X-Forwarded-For/-Proto from a reverse proxy are believed (`req.ip`, `req.protocol`): false (the
   * default), true (any peer) or the proxy addresses/CIDR ranges to believe. When not false, `publicUrl` is
   * required.
   */
  trustProxy: boolean | string[];
  /** When set, `GET /metrics` requires `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  roles: Role[];
  /**
   * When one process runs `api` with `worker` or `scheduler`, run the latter on their own thread (compiled builds
   * only), so background work never holds the event loop that answers webhooks. Default on.
   */
  workerThread: boolean;
  workerId: string | null;
  logLevel: string;
  /** How long a send whose outcome is unknown (crash mid-call) waits for a status webhook before resending. */
  reconcileTimeoutSeconds: number;
  /** How long a Graph API request may take before its outcome counts as unknown. */
  graphTimeoutSeconds: number;
  /** How long a worker's hold on a phone number lasts without renewal (another worker takes it over after). */
  dispatchLeaseSeconds: number;
  dbPoolSize: number;
}

/** Thrown when the environment is invalid; the message lists every bad variable. */
export class ConfigError extends Error {}

/** Parses `env` (default `process.env`) into a Config. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const roles = parseRoles(e.TSUNAGI_ROLES);
  const trustProxy = parseTrustProxy(e.TSUNAGI_TRUST_PROXY);
  if (trustProxy !== false && !e.TSUNAGI_PUBLIC_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  TSUNAGI_PUBLIC_URL: required when TSUNAGI_TRUST_PROXY is on (links such as ' +
        'invitations are built from it, never from the Host or X-Forwarded-Host headers a proxy passes on); ' +
        'set it to the address people open, e.g. https://chat.example.com',
    );
  }
  const embedded = !e.DATABASE_URL;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: path.resolve(e.TSUNAGI_DATA_DIR),
    graphApiUrl: e.GRAPH_API_URL ?? null,
    graphApiVersion: e.GRAPH_API_VERSION,
    appSecret: e.WHATSAPP_APP_SECRET ?? null,
    verifyToken: e.WHATSAPP_VERIFY_TOKEN ?? null,
    simulator: decideSimulator({
      explicit: e.TSUNAGI_SIMULATOR,
      embedded,
      graphApiUrl: e.GRAPH_API_URL ?? null,
      port: e.PORT,
      publicUrl: e.TSUNAGI_PUBLIC_URL ?? null,
    }),
    secretKey: e.TSUNAGI_SECRET_KEY ?? null,
    publicUrl: e.TSUNAGI_PUBLIC_URL?.replace(/\/+$/, '') ?? null,
    trustProxy,
    metricsToken: e.TSUNAGI_METRICS_TOKEN ?? null,
    roles,
    workerThread: e.TSUNAGI_WORKER_THREAD,
    workerId: e.TSUNAGI_WORKER_ID ?? null,
    logLevel: e.LOG_LEVEL,
    reconcileTimeoutSeconds: e.TSUNAGI_RECONCILE_TIMEOUT_SECONDS,
    graphTimeoutSeconds: e.TSUNAGI_GRAPH_TIMEOUT_SECONDS,
    dispatchLeaseSeconds: e.TSUNAGI_DISPATCH_LEASE_SECONDS,
    dbPoolSize: e.TSUNAGI_DB_POOL_SIZE,
  };
}

/** Where the embedded simulator's Graph API is mounted on the Tsunagi server. */
export const SIMULATOR_GRAPH_PATH = '/simulator/graph';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * True when `graphApiUrl` is this Tsunagi's own embedded simulator: the path `/simulator/graph` on the public
 * URL's origin, or on a loopback host at the configured port.
 */
export function isOwnSimulatorUrl(graphApiUrl: string, port: number, publicUrl: string | null): boolean {
  const u = new URL(graphApiUrl);
  if (u.pathname.replace(/\/+$/, '') !== SIMULATOR_GRAPH_PATH) return false;
  if (publicUrl !== null && new URL(publicUrl).origin === u.origin) return true;
  const uPort = u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port);
  return LOOPBACK_HOSTS.has(u.hostname) && uPort === port;
}

/**
 * Whether the built-in simulator is mounted. It is mounted only when Tsunagi's Graph API *is* the simulator:
 * never with a `GRAPH_API_URL` other than its own simulator (explicitly asking for it then is a configuration
 * error), never with PostgreSQL unless `TSUNAGI_SIMULATOR=on` says so, and by default in embedded mode. Its
 * control API can play any customer and deliver signed webhooks, so it must never sit beside a real account.
 */
export function decideSimulator(o: {
  explicit: boolean | undefined;
  embedded: boolean;
  graphApiUrl: string | null;
  port: number;
  publicUrl: string | null;
}): boolean {
  if (o.explicit === false) return false;
  if (o.graphApiUrl !== null && !isOwnSimulatorUrl(o.graphApiUrl, o.port, o.publicUrl)) {
    if (o.explicit === true)
      throw new ConfigError(
        `Invalid configuration:\n  TSUNAGI_SIMULATOR: "on" conflicts with GRAPH_API_URL=${o.graphApiUrl}; the simulator is never mounted beside another Graph API (unset one of them)`,
      );
    return false;
  }
  return o.explicit ?? o.embedded;
}

/** `TSUNAGI_TRUST_PROXY`: unset/off → false, on → true, else the list of proxy addresses or CIDR ranges. */
function parseTrustProxy(value: string | undefined): boolean | string[] {
  if (value === undefined || value === '') return false;
  const flag = booleanFlag.safeParse(value);
  if (flag.success) return flag.data;
  return value.split(',').map((v) => v.trim());
}

/** Parses a comma-separated role list such as `api,worker`. */
export function parseRoles(value: string): Role[] {
  const roles = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const valid: Role[] = ['api', 'worker', 'scheduler'];
  for (const role of roles) {
    if (!valid.includes(role as Role)) {
      throw new ConfigError(
        `Invalid role "${role}" (expected a comma-separated subset of ${valid.join(',')})`,
      );
    }
  }
  if (roles.length === 0) throw new ConfigError('At least one role is required');
  return roles as Role[];
}
