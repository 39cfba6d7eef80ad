import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import { ConfigError } from './config.ts';
import { SecretBox, randomToken } from './lib/crypto.ts';

/** A fresh simulator control token (same shape as the simulator's own `newControlToken`, without loading it). */
const newControlToken = () => randomToken('simctl_', 32);

/**
 * The key that encrypts secrets at rest. From TSUNAGI_SECRET_KEY; in embedded mode, generated once into the
 * data directory (mode 0600) so `npm start` needs no setup. With PostgreSQL it is required: several processes
 * must share it, and keeping it beside the data it protects would defeat the purpose.
 */
export function loadSecretKey(config: Config): string {
  if (config.secretKey) return config.secretKey;
  if (config.databaseUrl) {
    throw new ConfigError(
      'TSUNAGI_SECRET_KEY is required with DATABASE_URL (32 random bytes, e.g. `openssl rand -base64 32`); every Tsunagi process must use the same key.',
    );
  }
  const file = path.join(config.dataDir, 'secret.key');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(config.dataDir, { recursive: true });
  const key = SecretBox.generateKey();
  fs.writeFileSync(file, key + '\n', { mode: 0o600 });
  return key;
}

/**
 * The webhook app secret and verify token. Configured values win; with the built-in simulator and nothing
 * configured they are derived from the secret key, so every process of a deployment agrees without setup.
 */
export function webhookSecrets(
  config: Config,
  secretKey: string,
): { appSecret: string | null; verifyToken: string | null } {
  const derive = (label: string) => createHmac('sha256', secretKey).update(label).digest('hex').slice(0, 32);
  return {
    appSecret: config.appSecret ?? (config.simulator ? derive('simulator-app-secret') : null),
    verifyToken: config.verifyToken ?? (config.simulator ? derive('simulator-verify-token') : null),
  };
}

/**
 * The built-in simulator's control token. With a data directory of its own (embedded mode), generated once into
 * `simulator-control-token` (mode 0600) so it survives restarts and scripts can read it; otherwise (PostgreSQL,
 * or a database handed in by tests) a fresh one per process.
 */
export function loadSimulatorControlToken(config: Config, opts: { persist: boolean }): string {
  if (!opts.persist) return newControlToken();
  const file = path.join(config.dataDir, 'simulator-control-token');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(config.dataDir, { recursive: true });
  const token = newControlToken();
  fs.writeFileSync(file, token + '\n', { mode: 0o600 });
  return token;
}
