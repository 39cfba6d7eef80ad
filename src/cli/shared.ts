import { systemClock } from '../lib/clock.ts';
import { loadConfig, type Config } from '../server/config.ts';
import { openDatabase, type DatabaseHandle } from '../server/db/connect.ts';
import { migrate } from '../server/db/migrate.ts';
import { SecretBox } from '../server/lib/crypto.ts';
import { loadSecretKey } from '../server/secrets-setup.ts';

/** Opens the configured database (locking an embedded data directory) and applies migrations. */
export async function openConfigured(
  config: Config = loadConfig(),
): Promise<{ config: Config; database: DatabaseHandle; secrets: SecretBox }> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: 4,
  });
  try {
    await migrate(database.db);
    return { config, database, secrets: new SecretBox(loadSecretKey(config)) };
  } catch (err) {
    await database.close();
    throw err;
  }
}

export const clock = systemClock;

/** Writes a JSON value on one line to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}
