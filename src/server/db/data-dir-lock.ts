import fs from 'node:fs';
import path from 'node:path';

/** Thrown when another live process holds the embedded data directory. */
export class DataDirLockedError extends Error {
  readonly code = 'data_dir_locked';
}

/**
 * Takes an exclusive lock on an embedded (PGlite) data directory. PGlite has no server to arbitrate between
 * processes, so two processes opening the same directory would corrupt it: the second one (e.g. `tsunagi
 * migrate` while the server runs) gets a clear error instead. A lock left by a dead process (kill -9) is
 * detected by its pid and taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'tsunagi.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // Write the holder to a private file, then hard-link it into place: link() fails with EEXIST if the
      // lock exists, and a reader never sees a half-written lock.
      const tmp = `${lockPath}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
      try {
        fs.linkSync(tmp, lockPath);
      } finally {
        fs.rmSync(tmp, { force: true });
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          const holder = readHolder(lockPath);
          if (holder?.pid === process.pid) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(lockPath);
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new DataDirLockedError(
          `The data directory ${dataDir} is in use by another Tsunagi process (pid ${holder.pid}, ` +
            `since ${holder.startedAt ?? 'unknown'}). Stop it first, or point TSUNAGI_DATA_DIR elsewhere. ` +
            `An embedded database can be opened by one process at a time; use PostgreSQL (DATABASE_URL) ` +
            `to run several processes.`,
        );
      }
      if (holder?.pid === process.pid) {
        throw new DataDirLockedError(`The data directory ${dataDir} is already open in this process.`);
      }
      // Stale lock from a process that died without cleaning up. Move it aside with rename(), which exactly
      // one of several racing processes wins; if what we moved turns out to be a live process's fresh lock
      // (it took over between our read and our rename), put it back and report the directory as in use.
      const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`;
      try {
        fs.renameSync(lockPath, aside);
      } catch (renameErr) {
        if ((renameErr as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw renameErr;
      }
      const moved = readHolder(aside);
      if (moved && moved.pid !== holder?.pid && isAlive(moved.pid)) {
        try {
          fs.linkSync(aside, lockPath);
        } finally {
          fs.rmSync(aside, { force: true });
        }
        throw new DataDirLockedError(
          `The data directory ${dataDir} is in use by another Tsunagi process (pid ${moved.pid}).`,
        );
      }
      fs.rmSync(aside, { force: true });
    }
  }
  throw new DataDirLockedError(`Could not lock the data directory ${dataDir}`);
}

function readHolder(lockPath: string): { pid: number; startedAt?: string } | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid?: unknown; startedAt?: unknown };
    if (typeof parsed.pid !== 'number') return null;
    return {
      pid: parsed.pid,
      startedAt: typeof parsed.startedAt === 'string' ? parsed.startedAt : undefined,
    };
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
