// What the runner writes through: buffers each step's frames and commits them in one transaction at least
// every flushMs (checked after each step, so a step is stored whole or not at all), on flush(), checkpoint(),
// finish() and close(). Frames stay buffered when a flush fails (e.g. disk full), so nothing is silently dropped.
import type { LyapunovFrame, MetricFrame, ReplicaFrame, RunStatus, SpectrumFrame } from '../../shared/frames';
import type { Checkpoint, RunStore } from './run-store';

/** Everything one training step records. */
export interface StepFrames {
  metrics: MetricFrame;
  spectrum?: SpectrumFrame | null;
  lyapunov?: LyapunovFrame | null;
  replicas?: ReplicaFrame | null;
}

export class RunWriter {
  private readonly flushMs: number;
  private lastFlush = Date.now();
  private m: MetricFrame[] = [];
  private s: SpectrumFrame[] = [];
  private l: LyapunovFrame[] = [];
  private r: ReplicaFrame[] = [];

  constructor(
    private readonly store: RunStore,
    private readonly id: string,
    opts: { flushMs?: number } = {},
  ) {
    this.flushMs = opts.flushMs ?? 1000;
  }

  step(f: StepFrames): void {
    this.m.push(f.metrics);
    if (f.spectrum) this.s.push(f.spectrum);
    if (f.lyapunov) this.l.push(f.lyapunov);
    if (f.replicas) this.r.push(f.replicas);
    if (Date.now() - this.lastFlush >= this.flushMs) this.flush();
  }

  private writePending(): void {
    this.store.appendMetrics(this.id, this.m);
    this.store.appendSpectra(this.id, this.s);
    this.store.appendLyapunov(this.id, this.l);
    this.store.appendReplicas(this.id, this.r);
  }

  private clear(): void {
    this.m = [];
    this.s = [];
    this.l = [];
    this.r = [];
    this.lastFlush = Date.now();
  }

  flush(): void {
    this.store.transaction(() => this.writePending());
    this.clear();
  }

  /** Pending frames and the checkpoint in one transaction: a checkpoint never gets ahead of the logged steps. */
  checkpoint(cp: Checkpoint): void {
    this.store.transaction(() => {
      this.writePending();
      this.store.saveCheckpoint(this.id, cp);
    });
    this.clear();
  }

  finish(status: RunStatus, error: string | null = null): void {
    this.store.transaction(() => {
      this.writePending();
      this.store.setStatus(this.id, status, error);
    });
    this.clear();
  }

  close(): void {
    this.flush();
  }
}
