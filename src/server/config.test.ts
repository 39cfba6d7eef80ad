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
      workerThread: true,
    });
  });
  it('keeps every role on one thread only when told to', () => {
    expect(loadConfig({ TSUNAGI_WORKER_THREAD: 'off' }).workerThread).toBe(false);
    expect(loadConfig({ TSUNAGI_WORKER_THREAD: 'on' }).workerThread).toBe(true);
    expect(() => loadConfig({ TSUNAGI_WORKER_THREAD: 'sometimes' })).toThrow(/TSUNAGI_WORKER_THREAD/);
  });
  it('turns the simulator off by default with PostgreSQL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).simulator).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', TSUNAGI_SIMULATOR: 'on' }).simulator).toBe(true);
  });
  it('never mounts the simulator beside another Graph API', () => {
    const real = { GRAPH_API_URL: 'https://graph.facebook.com', WHATSAPP_APP_SECRET: 'real-secret' };
    expect(loadConfig(real).simulator).toBe(false);
    expect(loadConfig({ ...real, TSUNAGI_SIMULATOR: 'off' }).simulator).toBe(false);
    expect(() => loadConfig({ ...real, TSUNAGI_SIMULATOR: 'on' })).toThrow(/TSUNAGI_SIMULATOR/);
    expect(loadConfig({ GRAPH_API_URL: 'http://127.0.0.1:4000' }).simulator).toBe(false);
    expect(
      loadConfig({ GRAPH_API_URL: 'http://127.0.0.1:9999/simulator/graph', PORT: '3000' }).simulator,
    ).toBe(false);
  });
  it('mounts the simulator when the Graph API is its own simulator', () => {
    expect(loadConfig({ GRAPH_API_URL: 'http://127.0.0.1:3000/simulator/graph' }).simulator).toBe(true);
    expect(loadConfig({ GRAPH_API_URL: 'http://localhost:3000/simulator/graph/' }).simulator).toBe(true);
    expect(
      loadConfig({
        GRAPH_API_URL: 'https://chat.example.jp/simulator/graph',
        TSUNAGI_PUBLIC_URL: 'https://chat.example.jp',
      }).simulator,
    ).toBe(true);
    expect(
      loadConfig({
        DATABASE_URL: 'postgres://u@h/db',
        GRAPH_API_URL: 'http://127.0.0.1:3000/simulator/graph',
      }).simulator,
    ).toBe(false);
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
