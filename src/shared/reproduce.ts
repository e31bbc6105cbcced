// Reproducing the paper's figures (`lab reproduce`, the app's Reproduce view): what is asked for, and the report's
// content — the evidence measured from the runs, each claim with its verdict, the summary written as summary.json.
// Main computes all of it (src/main/reproduce/); the renderer shows it. No Node or DOM imports here.
import type { RunConfig } from './config';
import { percent } from './format';
import type { PaperFigure } from './presets';

/** A reproduction as the CLI's flags and the app's form give it. */
export interface ReproduceRequest {
  figures: PaperFigure[];
  dataset: 'usps' | 'fashion-mnist';
  /** The USPS folder (null for Fashion-MNIST). */
  dir: string | null;
  model: 'mlp' | 'cnn';
  seeds: number;
  /** The presets' quick variants instead of the paper's settings. */
  quick: boolean;
  /** Every run cut to this many steps (smoke tests; the report says so), or null. */
  steps: number | null;
}
/** The CLI's defaults (3 seeds, the paper's settings, USPS, MLP). */
export const REPRODUCE_DEFAULTS = { dataset: 'usps', model: 'mlp', seeds: 3, quick: false } as const;
export const REPRODUCE_MAX_SEEDS = 20;

export type Verdict = 'agrees' | 'disagrees' | 'inconclusive' | 'not run';

export interface Claim {
  id: string;
  figure: string;
  claim: string;
  evidence: string[];
  verdict: Verdict;
  /** Why the verdict is what it is, in one sentence. */
  why: string;
}

export interface VariantAccuracy {
  variant: string;
  /** The run ids, one per seed. */
  runs: string[];
  /** Final test accuracy of each run (its last evaluation). */
  finals: number[];
  mean: number;
  /** Sample standard deviation over seeds (NaN for one seed; null once through JSON). */
  sd: number;
  /** Mean over the seeds of the mean batch loss over the last 10 % of steps. */
  lateLoss: number;
  /** Mean number of negative eigenvalues per step. */
  meanNeg: number;
  steps: number;
}

/** The columns of a figure's accuracy table, in the report and in the app. */
export const ACCURACY_COLUMNS: { title: string; cell: (v: VariantAccuracy) => string }[] = [
  { title: 'variant', cell: (v) => v.variant },
  { title: 'final test accuracy (mean)', cell: (v) => percent(v.mean) },
  // NaN with one seed (null once through JSON): no spread to show.
  { title: 'sd over seeds', cell: (v) => (v.sd === null || Number.isNaN(v.sd) ? '—' : percent(v.sd)) },
  { title: 'seeds', cell: (v) => String(v.finals.length) },
  { title: 'steps', cell: (v) => String(v.steps) },
  { title: 'late train loss', cell: (v) => v.lateLoss.toPrecision(3) },
  { title: 'mean #λ<0', cell: (v) => v.meanNeg.toFixed(1) },
];

export interface DivergenceEvidence {
  runId: string;
  strategy: string;
  eps: number;
  seeds: number;
  /** Early exponential rate of ln d per step, crossover step, late power-law exponent, and the d² fit. */
  rate: { value: number; se: number } | null;
  crossover: number | null;
  exponent: { value: number; se: number } | null;
  fit: { a: number; seA: number; b: number; seB: number; d0sq: number; r2: number } | null;
  /** Distance after the last step (mean over seeds). */
  final: number;
}

export interface Evidence {
  fig1?: { variants: VariantAccuracy[] };
  fig2?: { variants: VariantAccuracy[] };
  fig3?: {
    lyapunovRun: string;
    topExponents: number[];
    lyapSumAll: number | null;
    /** Last subspace similarity against the subspace kept after each lyapunov.subsimAt step, and the random baseline. */
    subsim: { from: number; last: number }[];
    subsimRandom: number | null;
    divergence: DivergenceEvidence[];
  };
}

export interface ReportRun {
  figure: number;
  variant: string;
  seed: number;
  name: string;
  runId: string;
  status: string;
}

export interface Summary {
  title: string;
  created: string;
  machine: string;
  database: string;
  sweep: string;
  settings: unknown;
  /** Every run shortened to this many steps (null: the presets' lengths). */
  steps: number | null;
  runs: ReportRun[];
  evidence: Evidence;
  claims: Claim[];
  defectsAvoided: readonly string[];
  figures: string[];
}

/** A reproduction's plan before it starts: its sweep id and runs, with each run's planned steps (epochs counted). */
export interface ReproducePlanView {
  sweepId: string;
  title: string;
  steps: number | null;
  runs: {
    index: number;
    name: string;
    figure: PaperFigure;
    variant: string;
    seed: number;
    after: number | null;
    plannedSteps: number | null;
    config: RunConfig;
  }[];
}

/** A finished reproduction's results: the summary (as summary.json) and its figures as the report's SVGs. */
export interface ReproduceResults {
  summary: Summary;
  figures: { id: string; title: string; svg: string }[];
}
