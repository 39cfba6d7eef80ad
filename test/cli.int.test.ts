import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TsunagiProcess, freePort } from './support/process.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/tsunagi.js');

/**
 * The `tsunagi` command as a user runs it, on an embedded database in a temporary directory. Each command is a new
 * process opening the data directory (about 2.5 s on a quiet 2-core machine); a test runs up to 8 of them, so its
 * time limit leaves room for a CI machine busy with other files.
 */
describe('tsunagi CLI', { timeout: 240_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagi-cli-'));
  const env = { ...process.env, TSUNAGI_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent' };
  delete (env as Record<string, string | undefined>).DATABASE_URL;
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const tsunagi = (...args: string[]) => run(process.execPath, [BIN, ...args], { env, timeout: 60_000 });

  it('migrates, creates a workspace as JSON, seeds a demo and replays the journal', async () => {
    const migrated = JSON.parse((await tsunagi('migrate')).stdout) as {
      database: string;
      migrations: string[];
    };
    expect(migrated.database).toBe('pglite');
    expect(migrated.migrations.length).toBeGreaterThan(0);

    const created = JSON.parse(
      (await tsunagi('workspace', 'create', '--name', '東京ショップ', '--json')).stdout,
    ) as Record<string, string>;
    expect(Object.keys(created).sort()).toEqual(['apiKey', 'email', 'password', 'workspaceId']);
    expect(created.apiKey).toMatch(/^tsk_/);
    expect(created.password!.length).toBeGreaterThanOrEqual(12);

    const demo = JSON.parse((await tsunagi('demo', '--json')).stdout) as {
      workspaceId: string;
      phoneNumbers: unknown[];
    };
    expect(demo.phoneNumbers).toHaveLength(2);

    const replay = JSON.parse((await tsunagi('webhooks', 'replay')).stdout) as {
      marked: number;
      processed: number;
    };
    expect(replay).toEqual({ marked: 0, processed: 0 });
  });

  it("manages accounts as the server operator: lists them, prints a reset link, keeps every workspace's owner", async () => {
    // Its own data directory: independent of the other tests' embedded database (one process per directory).
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagi-cli-users-'));
    const tsunagi = (...args: string[]) =>
      run(process.execPath, [BIN, ...args], { env: { ...env, TSUNAGI_DATA_DIR: own }, timeout: 60_000 });
    const owner = JSON.parse(
      (await tsunagi('workspace', 'create', '--name', 'Ops', '--email', 'ops@example.jp', '--json')).stdout,
    ) as { workspaceId: string };
    const accounts = JSON.parse((await tsunagi('users', 'list', '--json')).stdout) as Array<{
      email: string;
      workspaces: Array<{ id: string; role: string }>;
    }>;
    expect(accounts.find((a) => a.email === 'ops@example.jp')?.workspaces).toEqual([
      expect.objectContaining({ id: owner.workspaceId, role: 'owner' }),
    ]);
    const link = JSON.parse(
      (await tsunagi('users', 'reset-password', '--email', 'OPS@example.jp', '--json')).stdout,
    ) as { url: string };
    expect(link.url).toMatch(/^http:\/\/localhost:\d+\/reset-password\/pwr_/);
    // The sole owner of a workspace cannot be deactivated; an unknown e-mail is a clear error.
    await expect(tsunagi('users', 'deactivate', '--email', 'ops@example.jp')).rejects.toMatchObject({
      stderr: expect.stringContaining('active owner'),
    });
    await expect(tsunagi('users', 'activate', '--email', 'nobody@example.jp')).rejects.toMatchObject({
      stderr: expect.stringContaining('No account'),
    });
    fs.rmSync(own, { recursive: true, force: true });
  }, 240_000);
  it('lists, creates, rotates and revokes API keys; the key of workspace create is listed as "initial"', async () => {
    const created = JSON.parse((await tsunagi('workspace', 'create', '--name', 'Keys', '--json')).stdout) as {
      workspaceId: string;
      apiKey: string;
    };
    const ws = ['--workspace', created.workspaceId];
    const listed = () =>
      tsunagi('keys', 'list', ...ws, '--json').then(
        (r) => (JSON.parse(r.stdout) as { data: Array<Record<string, unknown>> }).data,
      );
    const [initial] = await listed();
    expect(initial).toMatchObject({ name: 'initial', role: 'owner', status: 'active', createdBy: null });
    expect(created.apiKey.startsWith(String(initial!.prefix))).toBe(true);

    const made = JSON.parse(
      (await tsunagi('keys', 'create', ...ws, '--name', 'CRM', '--role', 'agent', '--json')).stdout,
    ) as { id: string; secret: string; role: string };
    expect(made).toMatchObject({ role: 'agent', secret: expect.stringMatching(/^tsk_/) });
    const rotated = JSON.parse((await tsunagi('keys', 'rotate', made.id, ...ws, '--json')).stdout) as {
      id: string;
      secret: string;
    };
    expect(rotated.id).toBe(made.id);
    expect(rotated.secret).not.toBe(made.secret);
    const revoked = JSON.parse(
      (await tsunagi('keys', 'revoke', String(initial!.id), ...ws, '--json')).stdout,
    );
    expect(revoked).toMatchObject({ id: initial!.id, name: 'initial', status: 'revoked' });

    await expect(tsunagi('keys', 'create', ...ws, '--name', 'x', '--role', 'root')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('role'),
    });
    await expect(tsunagi('keys', 'list', '--workspace', 'nope')).rejects.toMatchObject({
      stderr: expect.stringContaining('--workspace must be a workspace id'),
    });
  }, 240_000); // five commands, each opening the embedded database

  it('rejects bad configuration and bad arguments with a clear message and a non-zero exit', async () => {
    await expect(
      run(process.execPath, [BIN, 'migrate'], { env: { ...env, PORT: 'eighty' } }),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('PORT') });
    await expect(tsunagi('demo', '--size', 'huge')).rejects.toMatchObject({
      stderr: expect.stringContaining('--size must be small or large'),
    });
    await expect(tsunagi('workspace', 'create')).rejects.toMatchObject({
      stderr: expect.stringContaining('--name'),
    });
  });
});

describe('tsunagi start', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagi-start-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs the compiled server, and /readyz is ready only once the demo login exists and the banner is out', async () => {
    expect(fs.readFileSync(BIN, 'utf8')).not.toMatch(/tsx/);
    expect(fs.existsSync(path.resolve('dist/cli/main.js'))).toBe(true);
    const port = await freePort();
    const probes: number[] = [];
    let readyAt: { credentials: boolean } | null = null;
    let stop = false;
    // Probe /readyz from the moment the process is spawned until it first answers 200.
    const prober = (async () => {
      while (!stop && !readyAt) {
        const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.status,
          () => 0,
        );
        probes.push(status);
        if (status === 200) readyAt = { credentials: fs.existsSync(path.join(dir, 'demo-credentials.json')) };
        else await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const proc = await TsunagiProcess.start({
      env: { TSUNAGI_DATA_DIR: dir, TSUNAGI_SKIP_CONSOLE_BUILD: '1' },
      port,
      readyPath: '/readyz',
      readyTimeoutMs: 90_000,
    });
    try {
      await prober;
      expect(readyAt).toEqual({ credentials: true });
      expect(proc.output()).toContain('Demo login');
      // The server answered before it was ready: those answers were 503 (starting), never 200.
      expect(probes.slice(0, -1).every((s) => s === 0 || s === 503)).toBe(true);
    } finally {
      stop = true;
      await proc.kill();
    }
  });
});
