// Everything the Live run view draws for one run: loaded from the store, then extended by streamed batches.
import type { EstimatedSpectrumFrame, LyapunovFrame, MetricName, ReplicaFrame, RunEnvironment, RunStatus, SpectrumFrame } from '../../../../shared/frames';
import type { FrameBatch, LabApi, Progress, RunDetail, Series } from '../../../../shared/ipc';
import { GrowSeries } from './series';
import type { SpectrumColumn } from '../../../../shared/charts/spectrum-bins';
import { binDensity, binSpectrum } from '../../../../shared/charts/spectrum-bins';

export const PLOTTED: MetricName[] = [
  'loss',
  'acc',
  'test_loss',
  'test_acc',
  'n_neg',
  'n_pos',
  'n_null',
  'n_chaotic',
  'n_neg_est',
  'n_neg_est_se',
  'n_chaotic_est',
  'n_chaotic_est_se',
  'pruned',
  'lambda_min',
  'lambda_max',
  'lyap_max',
  'lyap_sum',
  'step_ms',
];
const replicaParts = () => ({ distance: new GrowSeries(), alongGrad: new GrowSeries(), alongTop: new GrowSeries() });
/** At most this many spectra are read back from the store for a spectrogram (evenly strided). */
const MAX_COLUMNS = 4000;

export class RunData {
  /** Bumped whenever data changed; charts redraw on it. */
  version = $state(0);
  status = $state<RunStatus>('running');
  progress = $state<Progress | null>(null);
  env = $state<RunEnvironment | null>(null);
  lastStep = $state(-1);
  logs = $state<string[]>([]);
  // Not reactive on purpose: charts redraw on `version`, not on every appended point.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly series = new Map<MetricName, GrowSeries>();
  readonly columns: SpectrumColumn[] = [];
  /** lyapunov[i]: the i-th largest exponent over time. */
  readonly lyapunov: GrowSeries[] = [];
  /** replicas[i]: ‖θ_i − θ_0‖ over time. */
  readonly replicas: GrowSeries[] = [];
  /**
   * Root mean square over replicas of the distance and of its components along the reference's normalised
   * gradient and top Hessian eigenvector (the latter only at steps with a spectrum).
   */
  replicaParts = replicaParts();
  /** Statistics for the UI benchmark. */
  batches = 0;
  frames = 0;

  constructor(readonly detail: RunDetail) {
    this.status = detail.status;
  }

  get lr(): number {
    return this.detail.config.train.lr;
  }

  /** The spectra are estimates from Hessian-vector products (spectrum.method 'lanczos'). */
  get estimated(): boolean {
    return this.detail.config.spectrum.method === 'lanczos';
  }

  metric(name: MetricName): GrowSeries {
    let s = this.series.get(name);
    if (!s) this.series.set(name, (s = new GrowSeries()));
    return s;
  }

  async load(api: LabApi): Promise<void> {
    const id = this.detail.id;
    const wanted = PLOTTED.filter((m) => this.detail.series.includes(m));
    const [series, lyap, reps] = await Promise.all([
      wanted.length ? api.call('series.read', { runId: id, metrics: wanted }) : Promise.resolve({} as Record<string, Series>),
      api.call('lyapunov.read', { runId: id }),
      api.call('replicas.read', { runId: id }),
    ]);
    for (const [name, s] of Object.entries(series)) this.series.set(name as MetricName, GrowSeries.from(s.steps, s.values));
    const stride = Math.max(1, Math.ceil((this.detail.lastStep + 1) / MAX_COLUMNS));
    this.columns.length = 0;
    if (this.estimated) for (const f of await api.call('estimated.read', { runId: id, stride })) this.addEstimated(f);
    else for (const f of await api.call('spectra.read', { runId: id, stride })) this.addSpectrum(f);
    this.lyapunov.length = 0;
    for (const f of lyap) this.addLyapunov(f);
    this.replicas.length = 0;
    this.replicaParts = replicaParts();
    for (const f of reps) this.addReplicas(f);
    this.lastStep = Math.max(this.lastStep, ...[...this.series.values()].map((s) => s.lastStep));
    this.env = this.detail.env;
    this.version++;
  }

  apply(b: FrameBatch): void {
    for (const f of b.metrics) {
      for (const [k, v] of Object.entries(f.values)) if (v !== undefined) this.metric(k as MetricName).push(f.step, v);
      if (f.step > this.lastStep) this.lastStep = f.step;
    }
    if (b.spectrum) this.addSpectrum(b.spectrum);
    if (b.estimated) this.addEstimated(b.estimated);
    for (const f of b.lyapunov) this.addLyapunov(f);
    for (const f of b.replicas) this.addReplicas(f);
    if (b.progress) this.progress = b.progress;
    if (b.env) this.env = b.env;
    if (b.logs.length) this.logs = [...this.logs, ...b.logs].slice(-100);
    this.batches++;
    this.frames += b.metrics.length;
    this.version++;
  }

  /** A spectrum column of `step`, unless a later one is there already (frames replayed after a reload). */
  private addColumn(step: number, column: () => SpectrumColumn): void {
    const last = this.columns[this.columns.length - 1];
    if (!last || step > last.step) this.columns.push(column());
  }
  private addSpectrum(f: SpectrumFrame): void {
    this.addColumn(f.step, () => binSpectrum(f, this.lr));
  }
  private addEstimated(f: EstimatedSpectrumFrame): void {
    this.addColumn(f.step, () => binDensity(f, this.lr));
  }
  private addLyapunov(f: LyapunovFrame): void {
    f.exponents.forEach((x, i) => (this.lyapunov[i] ??= new GrowSeries()).push(f.step, x));
  }
  private addReplicas(f: ReplicaFrame): void {
    f.distances.forEach((x, i) => (this.replicas[i] ??= new GrowSeries()).push(f.step, x));
    const rms = (v: Float64Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    this.replicaParts.distance.push(f.step, rms(f.distances));
    this.replicaParts.alongGrad.push(f.step, rms(f.alongGrad));
    const top = rms(f.alongTop);
    if (Number.isFinite(top)) this.replicaParts.alongTop.push(f.step, top);
  }
}
