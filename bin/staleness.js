// Whether a build output is older than its inputs: shared by the console and server builds (plain JS, so the
// entry point can call it before anything is compiled).
import fs from 'node:fs';
import path from 'node:path';

/** Newest modification time (ms) of the files below `paths` (folders walked, missing paths skipped). */
export function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of paths) if (fs.existsSync(p)) visit(p);
  return newest;
}

/** True when `marker` (a file the build writes last) is missing or older than any of `inputs`. */
export function isStale(marker, inputs) {
  if (!fs.existsSync(marker)) return true;
  return fs.statSync(marker).mtimeMs < newestMtime(inputs);
}
