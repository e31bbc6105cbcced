// The paper's experiments as ready-made RunConfigs (Herrmann, Granz, Landgraf 2022; DESIGN §2 "The paper's settings"):
// batch 8, γ = 0.001, 40 epochs (36,480 USPS steps), no momentum, the whole test set; Figure 1 (SGD vs CGD),
// Figure 2 (CGD from steps 2000/5000/10000), Figure 3 (a Lyapunov run, then replicas perturbed along its
// initial-frame vectors, the paper's perturb_strat=all at seed 42, ε = 0.1), on the MLP or the CNN (4 base
// channels, 1 block). The "quick" variants are short runs at γ = 0.01 on a 1000-image test subset, to try things.
// `paperSet` builds a figure's runs for any data set, model and seed count (`lab reproduce`); PRESETS are the
// app's buttons. Fashion-MNIST is the app's default data set because it needs no download: switch data.dataset
// to 'usps' and set data.dir for the paper's exact data. No Node or DOM imports here.
import type { CgdConfig, DataConfig, ModelConfig, PruneSet, RunConfig } from './config';
import { DEFAULT_CONFIG, defaultSection, validateConfig } from './config';
import type { Preset } from './ipc';
import { PREVIOUS_RUN } from './ipc';

export type PaperFigure = 1 | 2 | 3;
export const PAPER_FIGURES: readonly PaperFigure[] = [1, 2, 3];

/** Where and how a figure's runs are made. */
export interface PaperSettings {
  data: Pick<DataConfig, 'dataset' | 'dir'>;
  model: ModelConfig['kind'];
  /** Seeds 0 … seeds − 1 of every run (Figure 3: of the replicas' directions; its runs use the paper's seed 42). */
  seeds: number;
  quick: boolean;
}

/** The paper's training settings (original repository, experiments/config), and the quick ones. */
const PAPER = { lr: 0.001, epochs: 40, testLimit: null, testEvery: 456 } as const;
const QUICK = { lr: 0.01, testLimit: 1000, testEvery: 100, fig1: 3000, fig2: 15000, fig3: 2000 } as const;
/** The original code's t_lya_subsim: the Lyapunov subspaces kept after these steps (quick runs: 10 and 1000). */
const SUBSIM_AT = { paper: [10, 10000], quick: [10, 1000] } as const;
/** Figure 3a's seed and ε. */
export const FIG3_SEED = 42;
const FIG3_EPS = 0.1;
export const FIG2_STARTS = [2000, 5000, 10000] as const;

const MODELS: Record<ModelConfig['kind'], ModelConfig> = {
  mlp: DEFAULT_CONFIG.model,
  cnn: { kind: 'cnn', baseChannels: 4, blocks: 1, activation: 'relu' },
};

/** One run at the paper's (or the quick) settings with the spectrum at every step; `steps` only for quick runs. */
function base(s: PaperSettings, name: string, seed: number, quickSteps: number, tags: string[]): RunConfig {
  const t = s.quick ? { lr: QUICK.lr, steps: quickSteps, epochs: 1 } : { lr: PAPER.lr, steps: null, epochs: PAPER.epochs };
  const q = s.quick ? QUICK : PAPER;
  return {
    ...DEFAULT_CONFIG,
    name: `${s.quick ? 'quick ' : ''}${name}${s.model === 'cnn' ? ' cnn' : ''} seed ${seed}`,
    seed,
    data: { ...DEFAULT_CONFIG.data, ...s.data, testEvery: q.testEvery, testLimit: q.testLimit },
    model: MODELS[s.model],
    train: { ...DEFAULT_CONFIG.train, ...t, batchSize: 8, momentum: 0 },
    spectrum: { ...DEFAULT_CONFIG.spectrum, every: 1 },
    tags: [...tags, s.quick ? 'quick' : 'paper', s.model, s.data.dataset],
  };
}
const cgd = (prune: PruneSet, start = 0): CgdConfig => ({ ...defaultSection('cgd'), prune, start });

/** One run of a figure: `variant` names what it is within the figure; `after` is the variant it perturbs along. */
export interface PaperRun {
  figure: PaperFigure;
  variant: string;
  seed: number;
  title: string;
  description: string;
  config: RunConfig;
  after: string | null;
}

export const FIG1_VARIANTS: { id: string; title: string; prune: PruneSet | null; what: string }[] = [
  { id: 'sgd', title: 'SGD', prune: null, what: 'plain SGD, the reference for the CGD variants' },
  { id: 'cgd-neg', title: 'CGD neg', prune: 'neg', what: 'gradient projected off all negative-curvature directions' },
  { id: 'cgd-pos', title: 'CGD pos', prune: 'pos', what: 'gradient projected off all positive-curvature directions' },
  { id: 'cgd-chaotic', title: 'CGD chaotic', prune: 'chaotic', what: 'gradient projected off the locally chaotic directions, (1−γλ)² > 1' },
];

const length = (s: PaperSettings, quickSteps: number): string => (s.quick ? `${quickSteps} steps at γ = 0.01` : '40 epochs at γ = 0.001');

function figure1(s: PaperSettings, seed: number): PaperRun[] {
  return FIG1_VARIANTS.map((v) => ({
    figure: 1,
    variant: v.id,
    seed,
    title: `Figure 1 — ${v.title}`,
    description: `${v.what}; ${length(s, QUICK.fig1)} with the spectrum at every step.`,
    config: { ...base(s, `fig1 ${v.title}`, seed, QUICK.fig1, ['fig1', v.id]), cgd: v.prune ? cgd(v.prune) : null },
    after: null,
  }));
}

function figure2(s: PaperSettings, seed: number): PaperRun[] {
  const sgd: PaperRun = {
    figure: 2,
    variant: 'sgd',
    seed,
    title: 'Figure 2 — SGD throughout',
    description: `The reference: SGD for ${length(s, QUICK.fig2)}.`,
    config: base(s, 'fig2 SGD', seed, QUICK.fig2, ['fig2', 'sgd']),
    after: null,
  };
  return [
    sgd,
    ...FIG2_STARTS.map((start) => ({
      figure: 2 as const,
      variant: `prune-${start}`,
      seed,
      title: `Figure 2 — prune neg from step ${start}`,
      description: `SGD until step ${start}, then CGD removing the negative-curvature directions; ${length(s, QUICK.fig2)}.`,
      config: { ...base(s, `fig2 prune@${start}`, seed, QUICK.fig2, ['fig2', `start-${start}`]), cgd: cgd('neg', start) },
      after: null,
    })),
  ];
}

/** Figure 3: the Lyapunov run at seed 42, then the replicas (all four Lyapunov strategies, and random as control). */
function figure3(s: PaperSettings): PaperRun[] {
  const seeds = Array.from({ length: s.seeds }, (_, i) => i);
  const lyap: PaperRun = {
    figure: 3,
    variant: 'lyapunov',
    seed: FIG3_SEED,
    title: 'Figure 3 — Lyapunov run',
    description: `${length(s, QUICK.fig3)} tracking 32 Lyapunov exponents and their subspace similarity from steps ${SUBSIM_AT[s.quick ? 'quick' : 'paper'].join(' and ')}; the replicas perturb along its initial-frame vectors.`,
    config: {
      ...base(s, 'fig3 lyapunov', FIG3_SEED, QUICK.fig3, ['fig3', 'lyapunov']),
      lyapunov: { ...defaultSection('lyapunov'), k: 32, subsimAt: [...SUBSIM_AT[s.quick ? 'quick' : 'paper']] },
    },
    after: null,
  };
  const replicas = (strategy: 'all' | 'randn'): RunConfig => ({
    ...base(s, `fig3 replicas ${strategy}`, FIG3_SEED, QUICK.fig3, ['fig3', 'replicas', strategy]),
    replicas: {
      ...defaultSection('replicas'),
      strategy,
      eps: [FIG3_EPS],
      seeds,
      lyapunovSource: strategy === 'randn' ? null : PREVIOUS_RUN,
    },
  });
  return [
    lyap,
    {
      figure: 3,
      variant: 'replicas-all',
      seed: FIG3_SEED,
      title: 'Figure 3 — replicas along the Lyapunov vectors',
      description: `Replicas (ε = ${FIG3_EPS}, ${s.seeds} seed${s.seeds > 1 ? 's' : ''}) along the top and a random combination of the expanding and of the contracting initial-frame Lyapunov vectors (perturb_strat=all).`,
      config: replicas('all'),
      after: 'lyapunov',
    },
    {
      figure: 3,
      variant: 'replicas-randn',
      seed: FIG3_SEED,
      title: 'Figure 3 — replicas, random direction',
      description: `Replicas (ε = ${FIG3_EPS}) perturbed in random directions, the control.`,
      config: replicas('randn'),
      after: null,
    },
  ];
}

/** Every run of a figure for these settings (Figures 1 and 2: one run per variant and seed). */
export function paperSet(figure: PaperFigure, s: PaperSettings): PaperRun[] {
  if (figure === 3) return figure3(s);
  const seeds = Array.from({ length: s.seeds }, (_, i) => i);
  return seeds.flatMap((seed) => (figure === 1 ? figure1(s, seed) : figure2(s, seed)));
}

function presetsOf(s: PaperSettings): Preset[] {
  const prefix = `${s.quick ? 'quick-' : ''}${s.model === 'cnn' ? 'cnn-' : ''}`;
  const label = [s.quick ? 'quick' : '', s.model === 'cnn' ? 'CNN' : ''].filter(Boolean).join(', ');
  // One seed per run; Figure 3's replicas keep five directions.
  const runs = PAPER_FIGURES.flatMap((f) => paperSet(f, { ...s, seeds: f === 3 ? 5 : 1 }));
  return runs
    .filter((r) => r.after === null)
    .map((r) => {
      const followUp = runs.find((x) => x.after === r.variant && x.figure === r.figure) ?? null;
      const strip = (c: RunConfig): RunConfig => ({ ...c, name: c.name.replace(/ seed \d+$/, '') });
      const group = `Figure ${r.figure}${label ? ` (${label})` : ''}`;
      return {
        id: `${prefix}fig${r.figure}-${followUp ? 'lyapunov-replicas' : r.variant}`,
        group,
        title: `${group} — ${r.title.replace(/^Figure \d — /, '')}`,
        description: followUp ? `${r.description} Then: ${followUp.description}` : r.description,
        config: strip(r.config),
        followUp: followUp ? strip(followUp.config) : null,
      };
    });
}

/** A preset written as the fields it sets, the rest defaults: through the validator, like any config. */
function valid(raw: object): RunConfig {
  const v = validateConfig(raw);
  if (!v.ok) throw new Error(`preset ${JSON.stringify(raw)}: ${v.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return v.config;
}

/**
 * Edge of stability (Cohen et al., ICLR 2021): full-batch GD on a fixed subset with step size η; the sharpness λ_max
 * (Lanczos top eigenvalue of the full-batch loss) rises to 2/η and hovers there while the loss keeps falling,
 * non-monotonically. Three η; the run stores the sharpness against 2/η (result 'sharpness', shared/math/sharpness.ts).
 */
function edgeOfStability(): Preset[] {
  return [0.1, 0.2, 0.3].map((lr) => ({
    id: `eos-lr${lr}`,
    group: 'Edge of stability (Cohen et al. 2021)',
    title: `Full-batch GD, η = ${lr} (2/η = ${+(2 / lr).toPrecision(3)})`,
    description: `Full-batch gradient descent on 1000 training images, η = ${lr}, 1000 steps; the sharpness (Lanczos top eigenvalue of the full-batch loss) every 5 steps against 2/η.`,
    config: valid({
      name: `eos η=${lr}`,
      tags: ['eos', `lr-${lr}`],
      data: { testEvery: 0 },
      train: { mode: 'gd', subset: 1000, steps: 1000, lr, precision: 'float64' },
      spectrum: { method: 'lanczos', k: 1, lanczosSteps: 40, probes: null, every: 5 },
    }),
    followUp: null,
  }));
}

const APP_DATA = { dataset: DEFAULT_CONFIG.data.dataset, dir: DEFAULT_CONFIG.data.dir };
/** The app's presets: the paper's settings (MLP and CNN), the quick MLP variants, then the edge of stability. */
export const PRESETS: Preset[] = [
  ...presetsOf({ data: APP_DATA, model: 'mlp', seeds: 1, quick: false }),
  ...presetsOf({ data: APP_DATA, model: 'cnn', seeds: 1, quick: false }),
  ...presetsOf({ data: APP_DATA, model: 'mlp', seeds: 1, quick: true }),
  ...edgeOfStability(),
];
