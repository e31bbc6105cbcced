// Records the engine, the store, the CLI and the UI all speak: run summaries, stored series, progress and
// cost estimates. No Node or DOM imports here.
import type { RunConfig } from './config';
import type { RunStatus } from './frames';

/** A run as the library lists it. */
export interface RunSummary {
  id: string;
  name: string;
  status: RunStatus;
  createdAt: string;
  finishedAt: string | null;
  model: string;
  dataset: string;
  seed: number;
  tags: string[];
  notes: string;
  /** Largest step logged so far (−1: nothing yet). */
  lastStep: number;
  error: string | null;
}

/** One stored series: the steps it was logged at and its values. */
export interface Series {
  steps: Int32Array;
  values: Float64Array;
}

export interface Progress {
  step: number;
  total: number;
  stepsPerSec: number;
  etaSec: number;
}

/** What a run will cost, shown before it starts. */
export interface CostEstimate {
  nParams: number;
  /** Upper bound on rank(H_B) (DESIGN §2): B(C−1) + Σ_j 2·min(C−1, B) for the MLP; n for the CNN. */
  rankBound: number;
  /** Measured milliseconds for one spectrum step of the configured method on this machine (0 when the run computes no spectra). */
  msPerStep: number;
  /** msPerStep was measured on a smaller model of the same kind and scaled up (the config's own step would be slow to time). */
  extrapolated: boolean;
  /** Memory the run holds at once (model state, Hessian and eigenvectors, Lyapunov vectors, replicas), in bytes. */
  memoryBytes: number;
  /** Planned steps (null: given in epochs and the dataset size is not known here). */
  steps: number | null;
  diskBytes: number;
  /** Exact spectrum or Lanczos estimate: each method's cost on this machine and which one to use (null: no spectra). */
  method: MethodAdvice | null;
}

/** The two spectrum methods (spectrum.method) priced for one spectrum step of a config. */
export interface MethodAdvice {
  configured: 'exact' | 'lanczos';
  recommended: 'exact' | 'lanczos';
  /** Milliseconds for one exact spectrum step: measured, or extrapolated from the eigensolver's O(d³) when d is large. */
  exactMs: number;
  exactMeasured: boolean;
  /** Dimension d of the dense eigenproblem (MLP: its reduced form; CNN: n) and its memory (matrix, vectors, workspace). */
  exactDim: number;
  exactBytes: number;
  /** Milliseconds for one Lanczos step at the step cap (top/bottom-k, SLQ, Hutch++): an upper bound, from a timed start. */
  lanczosMs: number;
  /** The Lanczos basis and Ritz vectors. */
  lanczosBytes: number;
  /** One sentence for the researcher: why the recommendation, and what the configured method costs against it. */
  note: string;
}

/**
 * A config as its cost estimate sees it: runs that differ only by name, seed, tags or notes cost the same. A run given
 * in epochs whose steps were counted (`steps`) is priced as the run of that many steps it is.
 */
export const costConfig = (c: RunConfig, steps: number | null = null): RunConfig => ({
  ...c,
  train: c.train.steps === null && steps !== null ? { ...c.train, steps } : c.train,
  name: 'estimate',
  seed: 0,
  tags: [],
  notes: '',
});

/** Run ids as the store makes them (UUIDs) and as users abbreviate them: 1–64 letters, digits, _ or -. */
export const isRunId = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v);
/** At most this many runs in one request: a compare group, a bulk export, a saved compare view. */
export const MAX_RUN_IDS = 100;

/** A row of the Library's runs table: the summary, the optimiser in words, and numbers read from the stored series. */
export interface RunTableRow extends RunSummary {
  /** "SGD", "CGD neg, k = 10", … (config/summary.ts optimizerLabel). */
  optimizer: string;
  /** Steps recorded (last step + 1) and planned (null: not known). */
  steps: number;
  totalSteps: number | null;
  /** Seconds of training, the last logged wall time (null: nothing logged). */
  durationSec: number | null;
  finalTestAcc: number | null;
  bestTestAcc: number | null;
  finalLoss: number | null;
  /** Mean number of negative eigenvalues over the steps with a spectrum. */
  meanNegative: number | null;
  /** The largest finite-time Lyapunov exponent at the last step (1/step). */
  topLyapunov: number | null;
  /** replicas.lyapunovSource when the run perturbs along another run's Lyapunov vectors (a run id, or a file). */
  lyapunovSource: string | null;
  /** Runs whose replicas perturb along this run's vectors. */
  replicaRuns: string[];
}
