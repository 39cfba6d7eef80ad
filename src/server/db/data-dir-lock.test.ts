import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';

describe('embedded data directory lock', () => {
  it('refuses a second holder and takes over a lock left by a dead process', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagi-lock-'));
    try {
      const release = lockDataDir(dir);
      expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
      release();
      // A lock written by a process that no longer exists (pid far beyond pid_max).
      fs.writeFileSync(path.join(dir, 'tsunagi.lock'), JSON.stringify({ pid: 2 ** 30, startedAt: 'then' }));
      const again = lockDataDir(dir);
      again();
      expect(fs.existsSync(path.join(dir, 'tsunagi.lock'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
