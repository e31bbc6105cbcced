// What Slurm says about a sweep's array tasks: squeue for the pending and running ones, sacct for the ended ones
// where accounting is enabled (it often is not; then the run files and the Slurm logs tell the rest).
import { execFileSync } from 'node:child_process';

export interface TaskState {
  state: string;
  /** squeue's reason (pending) or sacct's exit code (ended). */
  detail: string;
}

function run(cmd: string, args: string[]): { ok: true; out: string } | { ok: false; why: string } {
  try {
    return { ok: true, out: execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }) };
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    return { ok: false, why: err.code === 'ENOENT' ? `${cmd} is not installed here` : (err.stderr?.trim().split('\n')[0] ?? err.message) };
  }
}

/** States by "<job id>_<array task>", and notes on what could not be asked. */
export function taskStates(jobIds: string[]): { states: Map<string, TaskState>; notes: string[] } {
  const states = new Map<string, TaskState>();
  const notes: string[] = [];
  if (!jobIds.length) return { states, notes: ['not submitted yet (no jobs.json): run submit.sh, or sweep slurm … --submit'] };
  const acct = run('sacct', ['-n', '-P', '-X', '-j', jobIds.join(','), '-o', 'JobID,State,ExitCode']);
  if (acct.ok)
    for (const line of acct.out.split('\n')) {
      const [id, state, exit] = line.split('|');
      if (id && /^\d+_\d+$/.test(id)) states.set(id, { state: state.split(' ')[0], detail: `exit ${exit}` });
    }
  else notes.push(`sacct unavailable (${acct.why}): states come from squeue, the run files and the Slurm logs`);
  // One squeue per job: squeue fails on a job id it has forgotten, which must not hide the others.
  for (const id of jobIds) {
    const q = run('squeue', ['-h', '-r', '-j', id, '-o', '%i|%T|%r']);
    if (!q.ok) continue;
    for (const line of q.out.split('\n')) {
      const [task, state, reason] = line.split('|');
      if (task && /^\d+_\d+$/.test(task)) states.set(task, { state, detail: reason === 'None' ? '' : reason });
    }
  }
  return { states, notes };
}
