import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * STYLE.md §3: a file's name says its role. In feature modules and shared contracts that is a suffix from the
 * closed list; elsewhere the folder says it, for the reason written next to the folder below. A new folder, or a
 * module file without a suffix, fails here until it gets a suffix or a reason. Exported functions of the console
 * carry JSDoc, the habit the server already has (STYLE.md §13).
 */

/** Suffixes a file in `src/server/modules/**` or `src/contracts/**` must end with. */
const ROLE_SUFFIX =
  /\.(routes|service|repository|rules|jobs|schemas|listeners|catalog|test|int\.test)\.tsx?$/;

/** Folders whose files are named by what they are rather than by a module role, and why. */
const NAMED_BY_FOLDER: Record<string, string> = {
  'src/lib': 'dependency-free helpers shared by server, simulator and CLI (clock, ids, JSON); no module role',
  'src/server':
    'the composition root (main.ts), the one reader of process.env (config.ts), realtime fan-out, the roles thread',
  'src/server/db': 'database plumbing: connection, data-directory lock, migration runner, row types',
  'src/server/http':
    'Fastify plumbing (app factory, auth hooks, request input, headers) beside its .routes.ts',
  'src/server/lib': 'infrastructure shared by every module: AppError, keyset paging, crypto, logger, metrics',
  'src/server/jobs': 'the job queue engine beside its catalog and scheduler',
  'src/server/domain-events': 'the domain-event registry and its listener catalog',
  'src/server/pipeline':
    'the inbound and outbound engines, named by pipeline stage as in DESIGN.md §2 (journal, ingest, dispatcher)',
  'src/server/whatsapp': 'the Graph API adapter, named by the Cloud API concept each file speaks',
  'src/simulator': "a separate program imitating Meta's Graph API, named by the Graph concept it fakes",
  'src/cli': 'the tsunagi command: one .commands.ts per command group, main.ts and shared flags',
  'src/web':
    'the React console: PascalCase components (.tsx), queries.ts per feature, lower-case pure helpers (.ts)',
};

/** Folders whose every file must carry a role suffix. */
const SUFFIX_REQUIRED = ['src/server/modules', 'src/contracts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'locales' || e.name === 'migrations' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [relative(process.cwd(), path)] : [];
  });
}

/** The nearest folder rule of a file: the longest matching prefix. */
function ruleOf(file: string): { kind: 'suffix' } | { kind: 'folder'; folder: string } | null {
  if (SUFFIX_REQUIRED.some((d) => file.startsWith(d + '/'))) return { kind: 'suffix' };
  const folder = Object.keys(NAMED_BY_FOLDER)
    .filter((d) => file.startsWith(d + '/'))
    .sort((a, b) => b.length - a.length)[0];
  if (!folder) return null;
  // A file directly under src/server (not in a sub-folder) or deeper in a listed folder.
  if (folder === 'src/server' && file.slice('src/server/'.length).includes('/')) return null;
  return { kind: 'folder', folder };
}

describe('file names say their role', () => {
  const files = sourceFiles('src').map((f) => f.split('\\').join('/'));

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(300);
  });

  it('every module and contract file has a role suffix', () => {
    const missing = files.filter((f) => ruleOf(f)?.kind === 'suffix' && !ROLE_SUFFIX.test(f));
    expect(missing).toEqual([]);
  });

  it('every other file lives in a folder whose naming has a stated reason', () => {
    const unexplained = files.filter((f) => ruleOf(f) === null);
    expect(unexplained).toEqual([]);
  });

  it('shared helpers are not kept inside one feature module', () => {
    // Keyset paging and AppError are used by many modules: they live in src/server/lib.
    expect(files).toContain('src/server/lib/paging.rules.ts');
    expect(files).toContain('src/server/lib/app-error.ts');
    expect(files.filter((f) => /modules\/[^/]+\/paging/.test(f))).toEqual([]);
  });

  it('exported console functions carry JSDoc', () => {
    const undocumented: string[] = [];
    for (const file of files.filter((f) => f.startsWith('src/web/') && !/\.test\.tsx?$/.test(f))) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!/^export (default )?(async )?function\b/.test(line)) return;
        let j = i - 1;
        while (j >= 0 && /^\s*\/\/ eslint/.test(lines[j] ?? '')) j--;
        if (!/\*\/\s*$/.test(lines[j] ?? '')) undocumented.push(`${file}:${i + 1}`);
      });
    }
    expect(undocumented).toEqual([]);
  });
});
