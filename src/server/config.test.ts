import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('defaults to embedded mode with the simulator on', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: null,
      simulator: true,
      graphApiVersion: 'v23.0',
      roles: ['api', 'worker', 'scheduler'],
    });
  });
  it('turns the simulator off by default with PostgreSQL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).simulator).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', TSUNAGI_SIMULATOR: 'on' }).simulator).toBe(true);
  });
  it('names every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'x', GRAPH_API_VERSION: '23', TSUNAGI_ROLES: 'api' })).toThrow(
      ConfigError,
    );
    try {
      loadConfig({ PORT: 'x', GRAPH_API_VERSION: '23' });
    } catch (err) {
      expect((err as Error).message).toContain('PORT');
      expect((err as Error).message).toContain('GRAPH_API_VERSION');
    }
    expect(() => loadConfig({ TSUNAGI_ROLES: 'api,cron' })).toThrow(/Invalid role "cron"/);
  });
});
