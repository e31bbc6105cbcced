// What the runner writes through: buffers frames and commits them in one transaction at least every
// flushMs (checked on every push), on flush(), checkpoint(), finish() and close(). Frames stay buffered
// when a flush fails (e.g. disk full), so nothing is silently dropped.
import type { LyapunovFrame, MetricFrame, ReplicaFrame, RunStatus, SpectrumFrame } from '../../shared/frames';
import type { Checkpoint, RunStore } from './run-store';

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

  metrics(f: MetricFrame): void {
    this.m.push(f);
    this.maybeFlush();
  }
  spectrum(f: SpectrumFrame): void {
    this.s.push(f);
    this.maybeFlush();
  }
  lyapunov(f: LyapunovFrame): void {
    this.l.push(f);
    this.maybeFlush();
  }
  replicas(f: ReplicaFrame): void {
    this.r.push(f);
    this.maybeFlush();
  }

  private maybeFlush(): void {
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
