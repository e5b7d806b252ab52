/**
 * One command timed whole, as a supplier's CI runs it: wall time from spawn to exit, the CPU time of its
 * whole process tree, and the peak resident set of the largest process in it (tsx, for one, runs the real
 * work in a child of its own). A time limit ends the whole tree, so that a command that would take an hour
 * costs the benchmark only the limit.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface CommandToMeasure {
  readonly executable: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeLimitMs: number;
}

export type Outcome = 'finished' | 'timed-out';

export interface Measurement {
  readonly outcome: Outcome;
  /** null when the time limit ended it. */
  readonly exitCode: number | null;
  readonly wallMs: number;
  /**
   * The highest VmHWM seen of any process in the tree, in bytes; null where /proc cannot say (not Linux).
   * Polled, so a helper process that lives less than the polling interval can be missed; VmHWM itself is
   * the kernel's high-water mark, so no peak of a process that is seen is missed.
   */
  readonly peakRssBytes: number | null;
  /**
   * User and system CPU time of every process seen in the tree, summed; null where /proc cannot say. Read
   * by the same polling, so each process's last interval before it exits is missed. On a machine shared
   * with other work, wall time grows with the queue for the CPU and this does not.
   */
  readonly cpuMs: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const POLL_MS = 100;

/** Clock ticks a second, the unit of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = (() => {
  const asked = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(asked.stdout?.trim());
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
})();

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function highWaterMarkBytes(pid: number): number | null {
  try {
    const kib = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? null : Number(kib) * 1024;
  } catch {
    return null;
  }
}

/** utime + stime of one process, in milliseconds; its children's are in their own entries. */
function cpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name, in parentheses, may hold spaces: fields are counted after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS : null;
  } catch {
    return null;
  }
}

interface TreeSample {
  /** The largest VmHWM of the tree now. */
  readonly peakBytes: number | null;
  /** CPU time of each process of the tree now, by pid. */
  readonly cpuMsByPid: ReadonlyMap<number, number>;
}

function sampleTree(root: number): TreeSample {
  let peakBytes: number | null = null;
  const cpuMsByPid = new Map<number, number>();
  const pending = [root];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    const mark = highWaterMarkBytes(pid);
    if (mark !== null) peakBytes = Math.max(peakBytes ?? 0, mark);
    const cpu = cpuMsOf(pid);
    if (cpu !== null) cpuMsByPid.set(pid, cpu);
    pending.push(...childrenOf(pid));
  }
  return { peakBytes, cpuMsByPid };
}

export function measureCommand(command: CommandToMeasure): Promise<Measurement> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    // Its own process group, so that the time limit can end every process the command started.
    const child = spawn(command.executable, [...command.args], {
      cwd: command.cwd,
      env: command.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let peakRssBytes: number | null = null;
    // The most CPU time seen of each process that was ever in the tree.
    const cpuMsSeen = new Map<number, number>();
    const poll = () => {
      if (child.pid === undefined) return;
      const sample = sampleTree(child.pid);
      if (sample.peakBytes !== null) peakRssBytes = Math.max(peakRssBytes ?? 0, sample.peakBytes);
      for (const [pid, cpuMs] of sample.cpuMsByPid)
        cpuMsSeen.set(pid, Math.max(cpuMsSeen.get(pid) ?? 0, cpuMs));
    };
    const polling = setInterval(poll, POLL_MS);
    let timedOut = false;
    const limit = setTimeout(() => {
      timedOut = true;
      poll();
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone between the limit firing and the kill.
        }
      }
    }, command.timeLimitMs);
    child.on('error', (error) => {
      clearInterval(polling);
      clearTimeout(limit);
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearInterval(polling);
      clearTimeout(limit);
      resolvePromise({
        outcome: timedOut ? 'timed-out' : 'finished',
        exitCode: timedOut ? null : exitCode,
        wallMs: performance.now() - started,
        peakRssBytes,
        cpuMs: cpuMsSeen.size === 0 ? null : [...cpuMsSeen.values()].reduce((sum, ms) => sum + ms, 0),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}
