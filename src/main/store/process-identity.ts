// Who is writing a run: pid + hostname + the process start time (Linux /proc), so that a reader can tell a
// live writer from a dead one even when the pid has since been reused.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  pid: number;
  host: string;
  start: string | null;
}

/** State and start time (field 22, clock ticks since boot) from /proc/<pid>/stat; null where /proc is absent. */
function procStat(pid: number): { state: string; start: string } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is parenthesised and may contain spaces: split after the last ')'.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], start: f[19] };
  } catch {
    return null;
  }
}

export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, host: hostname(), start: procStat(process.pid)?.start ?? null };
}

/** False only when we can tell the process is gone: same host, and the pid is dead, a zombie, or reused. */
export function maybeAlive(p: { pid: number | null; host: string | null; start: string | null }): boolean {
  if (p.pid === null || p.host !== hostname()) return p.pid !== null;
  try {
    process.kill(p.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const st = procStat(p.pid);
  if (st === null) return true;
  if (st.state === 'Z') return false;
  return p.start === null || st.start === p.start;
}
