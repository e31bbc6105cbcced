// A real one-node Slurm cluster for the tests (Debian's slurm-wlm 22.05 and munge, as root): munged as user munge
// with its own key and socket, slurmctld and slurmd with a temporary slurm.conf (own ports, state, spool, logs,
// no accounting). Slurm commands reach it through SLURM_CONF. stop() cancels its jobs and stops only the daemons
// this helper started.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

export interface SlurmCluster {
  dir: string;
  conf: string;
  /** process.env plus SLURM_CONF for this cluster. */
  env: NodeJS.ProcessEnv;
  /** Run a Slurm command (squeue, scontrol, …) against this cluster; stdout. */
  slurm(cmd: string, ...args: string[]): string;
  stop(): Promise<void>;
}

const BINARIES = ['munged', 'munge', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'scancel', 'sinfo', 'runuser'];

/** Why a cluster cannot be started here, or null when it can. */
export function slurmUnavailable(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (munged must run as user munge and slurmd as root)';
  const missing = BINARIES.filter((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0);
  if (missing.length) return `missing ${missing.join(', ')} (apt-get install slurm-wlm munge; scripts/workstation.sh test does)`;
  if (spawnSync('id', ['munge']).status !== 0) return 'no user munge (the munge package creates it)';
  return null;
}

const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolvePort(port));
    });
  });

async function until(what: string, cond: () => boolean, timeoutMs: number, log: () => string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`Slurm test cluster: timed out waiting for ${what}\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function startSlurmCluster(): Promise<SlurmCluster> {
  const why = slurmUnavailable();
  if (why) throw new Error(`Slurm test cluster unavailable: ${why}`);
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-slurm-'));
  chmodSync(dir, 0o755);
  const uid = Number(execFileSync('id', ['-u', 'munge'], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', 'munge'], { encoding: 'utf8' }));
  const munge = join(dir, 'munge');
  mkdirSync(munge, { mode: 0o755 });
  chownSync(munge, uid, gid);
  const key = join(munge, 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  chownSync(key, uid, gid);
  const socket = join(munge, 'munge.socket');
  const mungePid = join(munge, 'munged.pid');
  for (const d of ['state', 'spool', 'log']) mkdirSync(join(dir, d));
  const log = (): string =>
    ['log/slurmctld.log', 'log/slurmd.log', 'munge/munged.log']
      .map((f) => join(dir, f))
      .filter(existsSync)
      .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`)
      .join('\n');

  const daemons: ChildProcess[] = [];
  let mungeStarted = false;
  const killDaemons = (): void => {
    for (const d of daemons) if (d.exitCode === null && d.signalCode === null) d.kill('SIGKILL');
    if (mungeStarted) spawnSync('munged', ['--stop', `--socket=${socket}`]);
  };
  process.once('exit', killDaemons);

  const stop = async (): Promise<void> => {
    const env = { ...process.env, SLURM_CONF: conf };
    const jobs = spawnSync('squeue', ['-h', '-o', '%A'], { env, encoding: 'utf8' }).stdout.trim();
    if (jobs) spawnSync('scancel', jobs.split('\n'), { env });
    await until('its jobs to end', () => spawnSync('squeue', ['-h'], { env, encoding: 'utf8' }).stdout.trim() === '', 30_000, log).catch(() => {});
    for (const d of daemons) d.kill('SIGTERM');
    await Promise.all(
      daemons.map(
        (d) =>
          new Promise<void>((r) => {
            if (d.exitCode !== null || d.signalCode !== null) return r();
            const t = setTimeout(() => d.kill('SIGKILL'), 10_000);
            d.once('exit', () => (clearTimeout(t), r()));
          }),
      ),
    );
    if (mungeStarted) spawnSync('munged', ['--stop', `--socket=${socket}`]);
    mungeStarted = false;
    process.off('exit', killDaemons);
    rmSync(dir, { recursive: true, force: true });
  };

  const conf = join(dir, 'slurm.conf');
  try {
    const started = spawnSync(
      'runuser',
      [
        '-u',
        'munge',
        '--',
        'munged',
        `--key-file=${key}`,
        `--socket=${socket}`,
        `--pid-file=${mungePid}`,
        `--log-file=${join(munge, 'munged.log')}`,
        `--seed-file=${join(munge, 'munged.seed')}`,
      ],
      { encoding: 'utf8' },
    );
    if (started.status !== 0) throw new Error(`Slurm test cluster: munged did not start: ${started.stderr.trim()}\n${log()}`);
    mungeStarted = true;
    const host = hostname().split('.')[0];
    const [ctldPort, dPort] = [await freePort(), await freePort()];
    const memMb = Math.floor(totalmem() / 2 ** 20 / 2);
    writeFileSync(
      conf,
      [
        'ClusterName=chaoslabtest',
        `SlurmctldHost=${host}`,
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${dPort}`,
        'AuthType=auth/munge',
        'CredType=cred/munge',
        `AuthInfo=socket=${socket}`,
        'SlurmUser=root',
        'SlurmdUser=root',
        `StateSaveLocation=${join(dir, 'state')}`,
        `SlurmdSpoolDir=${join(dir, 'spool')}`,
        `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
        `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
        `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
        `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_Core',
        'AccountingStorageType=accounting_storage/none',
        'JobAcctGatherType=jobacct_gather/none',
        'JobCompType=jobcomp/none',
        'MpiDefault=none',
        'ReturnToService=2',
        'KillWait=10',
        'MinJobAge=600',
        'JobRequeue=1',
        `NodeName=${host} CPUs=2 RealMemory=${memMb} State=UNKNOWN`,
        'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      ].join('\n') + '\n',
    );
    for (const [bin, args] of [
      ['slurmctld', ['-D', '-c', '-f', conf]],
      ['slurmd', ['-D', '-f', conf]],
    ] as const) {
      const out = openSync(join(dir, 'log', `${bin}.out`), 'a');
      daemons.push(spawn(bin, [...args], { cwd: dir, stdio: ['ignore', out, out] }));
    }
    const env = { ...process.env, SLURM_CONF: conf };
    await until('the node to become idle', () => spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' }).stdout.trim() === 'idle', 60_000, log);
    return {
      dir,
      conf,
      env,
      slurm: (cmd, ...args) => execFileSync(cmd, args, { env, encoding: 'utf8' }),
      stop,
    };
  } catch (e) {
    killDaemons();
    process.off('exit', killDaemons);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
