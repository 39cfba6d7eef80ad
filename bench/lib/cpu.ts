import fs from 'node:fs';
import { sleep } from './machine.ts';

/** Linux reports per-process CPU in clock ticks; USER_HZ is 100 on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process from /proc/<pid>/stat, or null when it is gone. */
export function procCpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine, from the first line of /proc/stat. */
function machineBusySeconds(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  return (total - (v[3] ?? 0) - (v[4] ?? 0)) / TICKS_PER_SECOND;
}

/** CPU seconds per pid, for a set of pids. */
function cpuByPid(pids: Iterable<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const s = procCpuSeconds(pid);
    if (s !== null) out.set(pid, s);
  }
  return out;
}

/** Sum over pids of the CPU used between two snapshots; a pid new in `b` counts from zero. */
function delta(a: Map<number, number>, b: Map<number, number>): number {
  let total = 0;
  for (const [pid, s] of b) total += s - (a.get(pid) ?? 0);
  return total;
}

/** Average cores used during a phase, by party: the numbers that show who competes for the cores. */
export interface CpuShare {
  seconds: number;
  machineBusyCores: number;
  serverCores: number;
  /** PostgreSQL processes serving this scenario (its database's backends plus the shared auxiliary ones). */
  postgresCores: number;
  loadGeneratorCores: number;
  /** Further named children (e.g. the simulator). */
  others: Record<string, number>;
  /** Busy cores not accounted for above: other work on the machine during the phase. */
  unrelatedCores: number;
}

/** The parties a CPU meter follows. `postgresPids` is re-read at each snapshot (backends come and go). */
export interface CpuParties {
  serverPid: number;
  postgresPids?: () => Promise<number[]>;
  others?: Record<string, number>;
}

/** Snapshots CPU now; the returned function snapshots again and reports cores used per party in between. */
export async function startCpuMeter(parties: CpuParties): Promise<() => Promise<CpuShare>> {
  const snap = async () => {
    const pgPids = (await parties.postgresPids?.().catch(() => [])) ?? [];
    const self = process.cpuUsage();
    return {
      wallMs: performance.now(),
      machine: machineBusySeconds(),
      server: procCpuSeconds(parties.serverPid) ?? 0,
      postgres: cpuByPid(pgPids),
      loadGenerator: (self.user + self.system) / 1e6,
      others: cpuByPid(Object.values(parties.others ?? {})),
    };
  };
  const a = await snap();
  return async () => {
    const b = await snap();
    const secs = (b.wallMs - a.wallMs) / 1000;
    const cores = (x: number) => Math.round((x / secs) * 100) / 100;
    const others: Record<string, number> = {};
    let othersTotal = 0;
    for (const [name, pid] of Object.entries(parties.others ?? {})) {
      const used = (b.others.get(pid) ?? 0) - (a.others.get(pid) ?? 0);
      others[name] = cores(used);
      othersTotal += used;
    }
    const server = b.server - a.server;
    const postgres = delta(a.postgres, b.postgres);
    const loadGenerator = b.loadGenerator - a.loadGenerator;
    const machine = b.machine - a.machine;
    return {
      seconds: Math.round(secs * 10) / 10,
      machineBusyCores: cores(machine),
      serverCores: cores(server),
      postgresCores: cores(postgres),
      loadGeneratorCores: cores(loadGenerator),
      others,
      unrelatedCores: cores(Math.max(0, machine - server - postgres - loadGenerator - othersTotal)),
    };
  };
}

/**
 * Waits (up to `maxWaitMs`) for the machine to be quiet — under `threshold` busy cores over a 2 s sample —
 * because other work on a shared 2-core machine moves every number. Returns the last sample, for the notes.
 */
export async function awaitQuietMachine(maxWaitMs = 60_000, threshold = 0.3): Promise<number> {
  const deadline = performance.now() + maxWaitMs;
  for (;;) {
    const a = machineBusySeconds();
    await sleep(2000);
    const busy = Math.round(((machineBusySeconds() - a) / 2) * 100) / 100;
    if (busy < threshold || performance.now() > deadline) return busy;
  }
}
