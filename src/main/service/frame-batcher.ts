// Turns a run's frame stream into at most `maxRate` batches per second for one subscriber, with backpressure:
// at most `maxInFlight` batches may be unacknowledged; while the subscriber lags, metric frames keep
// accumulating (up to `maxFrames` of each kind, then the oldest are dropped and the batch says `resync`),
// while the spectrum (exact or estimated) and progress are replaced by the latest.
import type { EstimatedSpectrumFrame, LyapunovFrame, MetricFrame, ReplicaFrame, RunEnvironment, SpectrumFrame } from '../../shared/frames';
import type { FrameBatch, Progress } from '../../shared/ipc';

export interface BatcherOptions {
  maxRate: number;
  maxInFlight: number;
  maxFrames: number;
}
export const BATCHER_DEFAULTS: BatcherOptions = { maxRate: 30, maxInFlight: 2, maxFrames: 20_000 };

export class FrameBatcher {
  private metrics: MetricFrame[] = [];
  private lyapunov: LyapunovFrame[] = [];
  private replicas: ReplicaFrame[] = [];
  private logs: string[] = [];
  private spectrum: SpectrumFrame | null = null;
  private estimated: EstimatedSpectrumFrame | null = null;
  private progress: Progress | null = null;
  private env: RunEnvironment | null = null;
  private resync = false;
  private dirty = false;
  private seq = 0;
  private acked = 0;
  private lastSent = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    readonly runId: string,
    private readonly send: (batch: FrameBatch) => void,
    private readonly opts: BatcherOptions = BATCHER_DEFAULTS,
  ) {}

  pushMetrics(f: MetricFrame): void {
    this.append(this.metrics, f);
  }
  pushSpectrum(f: SpectrumFrame): void {
    this.spectrum = f;
    this.touch();
  }
  pushEstimated(f: EstimatedSpectrumFrame): void {
    this.estimated = f;
    this.touch();
  }
  pushLyapunov(f: LyapunovFrame): void {
    this.append(this.lyapunov, f);
  }
  pushReplicas(f: ReplicaFrame): void {
    this.append(this.replicas, f);
  }
  pushProgress(p: Progress): void {
    this.progress = p;
    this.touch();
  }
  pushEnv(env: RunEnvironment): void {
    this.env = env;
    this.touch();
  }
  pushLog(line: string): void {
    this.logs.push(line);
    if (this.logs.length > 200) this.logs.shift();
    this.touch();
  }

  /** The subscriber has processed every batch up to `seq`. */
  ack(seq: number): void {
    if (seq > this.acked && seq <= this.seq) this.acked = seq;
    this.schedule();
  }

  /** Send what is pending now (ignoring the rate limit, not the backpressure), e.g. when the run ends. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.emit();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  get inFlight(): number {
    return this.seq - this.acked;
  }

  private append<T>(list: T[], f: T): void {
    list.push(f);
    if (list.length > this.opts.maxFrames) {
      list.splice(0, list.length - this.opts.maxFrames);
      this.resync = true;
    }
    this.touch();
  }

  private touch(): void {
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.timer || !this.dirty || this.inFlight >= this.opts.maxInFlight) return;
    const wait = Math.max(0, this.lastSent + 1000 / this.opts.maxRate - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.emit();
    }, wait);
  }

  private emit(): void {
    if (this.closed || !this.dirty || this.inFlight >= this.opts.maxInFlight) return;
    const batch: FrameBatch = {
      runId: this.runId,
      seq: ++this.seq,
      metrics: this.metrics,
      spectrum: this.spectrum,
      estimated: this.estimated,
      lyapunov: this.lyapunov,
      replicas: this.replicas,
      progress: this.progress,
      env: this.env,
      logs: this.logs,
      resync: this.resync,
    };
    this.metrics = [];
    this.replicas = [];
    this.logs = [];
    this.spectrum = null;
    this.estimated = null;
    this.lyapunov = [];
    this.progress = null;
    this.env = null;
    this.resync = false;
    this.dirty = false;
    this.lastSent = performance.now();
    this.send(batch);
  }
}
