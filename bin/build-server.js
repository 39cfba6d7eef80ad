#!/usr/bin/env node
// Compiles the server, CLI and simulator (src → dist, per file, with source maps) with TypeScript's compiler,
// so `tsunagi` runs plain JavaScript with no loader in production. `npm install` runs it (the `prepare` script)
// and bin/tsunagi.js calls ensureServerBuilt() so a source edit is never run stale. Type checking is
// `npm run typecheck`'s job: the build only emits (`noCheck`), which keeps it to a few seconds.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isStale } from './staleness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist');
/** The folders of src/ compiled for Node (src/web is the console, built by Vite into dist/web). */
const PARTS = ['cli', 'contracts', 'lib', 'server', 'simulator'];
const marker = path.join(outDir, 'cli/main.js');

/** True when dist/ lacks the compiled server or is older than a source file (never, without sources). */
export function serverIsStale() {
  if (!fs.existsSync(path.join(root, 'src/cli'))) return false;
  const inputs = [
    ...PARTS.map((part) => path.join(root, 'src', part)),
    ...['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((f) => path.join(root, f)),
  ];
  return isStale(marker, inputs);
}

/** Compiles src → dist and copies the SQL migrations beside the compiled migration runner. */
export function buildServer({ quiet = false } = {}) {
  for (const part of PARTS) fs.rmSync(path.join(outDir, part), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const res = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
  });
  if (res.status !== 0) {
    throw new Error(`server build failed (tsc exit ${res.status})\n${res.stdout ?? ''}${res.stderr ?? ''}`);
  }
  const migrations = path.join(root, 'src/server/db/migrations');
  fs.cpSync(migrations, path.join(outDir, 'server/db/migrations'), { recursive: true });
  // Touch the marker so the staleness check compares against the end of the build.
  const now = new Date();
  fs.utimesSync(marker, now, now);
}

/**
 * The Japanese dictionary (kuromoji's IPADIC) inflated once, at build time, into `dist/kuromoji-<version>/`: the
 * package ships it gzipped (~18 MB), and inflating it again in every process that reads Japanese cost ~1.5 s of
 * CPU and ~100 MB of extra RSS at load (a gunzip, a concatenation and a copy per file). The analyzer
 * (src/server/modules/automation/japanese-analyzer.service.ts) reads these files when they are there and the
 * gzipped ones otherwise. The version in the folder name keeps an upgraded package from reading an old copy.
 */
export function dictionaryDir() {
  const pkg = createRequire(import.meta.url).resolve('kuromoji/package.json');
  const { version } = JSON.parse(fs.readFileSync(pkg, 'utf8'));
  return { from: path.join(path.dirname(pkg), 'dict'), to: path.join(outDir, `kuromoji-${version}`) };
}

/** Writes the inflated dictionary unless it is complete (each file written under a temporary name, then renamed). */
export function ensureDictionary() {
  const { from, to } = dictionaryDir();
  const files = fs.readdirSync(from).filter((f) => f.endsWith('.dat.gz'));
  const missing = files.filter((f) => !fs.existsSync(path.join(to, f.slice(0, -3))));
  if (missing.length === 0) return;
  fs.mkdirSync(to, { recursive: true });
  for (const f of missing) {
    const target = path.join(to, f.slice(0, -3));
    const tmp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, zlib.gunzipSync(fs.readFileSync(path.join(from, f))));
    fs.renameSync(tmp, target);
  }
}

/** Builds when needed (a checkout whose sources changed since the last build). */
export function ensureServerBuilt() {
  ensureDictionary();
  if (!serverIsStale()) return;
  // On stderr: a command's output (JSON for `--json`) stays parseable when the sources changed since the last build.
  process.stderr.write('Compiling the server (src → dist)…\n');
  buildServer({ quiet: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  ensureDictionary();
  if (process.argv.includes('--if-stale') && !serverIsStale()) {
    process.stdout.write('Server is up to date (dist)\n');
  } else {
    buildServer();
  }
}
