// The engine's RunSink on the store: buffers each step's frames and commits them in one transaction at least
// every flushMs (checked after each step, so a step is stored whole or not at all), on flush(), checkpoint(),
// finish() and close(). Frames stay buffered when a flush fails (e.g. disk full), so nothing is silently dropped.
import type { EstimatedSpectrumFrame, LyapunovFrame, MetricFrame, ReplicaFrame, RunStatus, SpectrumFrame } from '../../shared/frames';
import type { Checkpoint, RunSink, SavedVectors, StepFrames } from '../engine/sink';
import type { RunStore } from './run-store';

export class RunWriter implements RunSink {
  private readonly flushMs: number;
  private lastFlush = Date.now();
  private m: MetricFrame[] = [];
  private s: SpectrumFrame[] = [];
  private e: EstimatedSpectrumFrame[] = [];
  private l: LyapunovFrame[] = [];
  private r: ReplicaFrame[] = [];

  constructor(
    private readonly store: RunStore,
    readonly runId: string,
    opts: { flushMs?: number } = {},
  ) {
    this.flushMs = opts.flushMs ?? 1000;
  }

  step(f: StepFrames): void {
    this.m.push(f.metrics);
    if (f.spectrum) this.s.push(f.spectrum);
    if (f.estimated) this.e.push(f.estimated);
    if (f.lyapunov) this.l.push(f.lyapunov);
    if (f.replicas) this.r.push(f.replicas);
    if (Date.now() - this.lastFlush >= this.flushMs) this.flush();
  }

  private writePending(): void {
    this.store.appendMetrics(this.runId, this.m);
    this.store.appendSpectra(this.runId, this.s);
    this.store.appendEstimatedSpectra(this.runId, this.e);
    this.store.appendLyapunov(this.runId, this.l);
    this.store.appendReplicas(this.runId, this.r);
  }

  private clear(): void {
    this.m = [];
    this.s = [];
    this.e = [];
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
      this.store.saveCheckpoint(this.runId, cp);
    });
    this.clear();
  }

  finish(status: RunStatus, error: string | null = null): void {
    this.store.transaction(() => {
      this.writePending();
      this.store.setStatus(this.runId, status, error);
    });
    this.clear();
  }

  saveVectors(name: string, v: SavedVectors): void {
    this.store.saveVectors(this.runId, name, v.step, v.k, v.n, v.values, v.data);
  }

  saveResult(name: string, value: unknown): void {
    this.store.saveResult(this.runId, name, value);
  }

  replicaFrames(): ReplicaFrame[] {
    this.flush();
    return this.store.readReplicas(this.runId);
  }

  close(): void {
    this.flush();
  }
}
