// The paper's experiments as ready-made RunConfigs (Herrmann, Granz, Landgraf 2022, Figures 1–3).
// MLP 256-20-10, batch 8, lr 0.01. Fashion-MNIST is the default dataset because it needs no download;
// switch data.dataset to 'usps' and set data.dir for the paper's exact data. No Node or DOM imports here.
import type { CgdConfig, PruneSet, RunConfig } from './config';
import { DEFAULT_CONFIG, defaultSection } from './config';
import type { Preset } from './ipc';
import { PREVIOUS_RUN } from './ipc';

/** The paper's MLP on the default data with the spectrum at every step; batch 8 and γ = 0.01 pinned here. */
function base(name: string, steps: number, tags: string[]): RunConfig {
  return {
    ...DEFAULT_CONFIG,
    name,
    train: { ...DEFAULT_CONFIG.train, steps, batchSize: 8, lr: 0.01 },
    spectrum: { ...DEFAULT_CONFIG.spectrum, every: 1 },
    tags,
  };
}
const cgd = (prune: PruneSet, start = 0): CgdConfig => ({ ...defaultSection('cgd'), prune, start });

const FIG1_STEPS = 3000;
const FIG2_STEPS = 15000;
const FIG3_STEPS = 2000;

function figure1(): Preset[] {
  const variants: { id: string; title: string; cgd: CgdConfig | null; what: string }[] = [
    { id: 'sgd', title: 'SGD', cgd: null, what: 'plain SGD, the reference for the CGD variants' },
    { id: 'cgd-neg', title: 'CGD neg', cgd: cgd('neg'), what: 'gradient projected off all negative-curvature directions' },
    { id: 'cgd-pos', title: 'CGD pos', cgd: cgd('pos'), what: 'gradient projected off all positive-curvature directions' },
    { id: 'cgd-chaotic', title: 'CGD chaotic', cgd: cgd('chaotic'), what: 'gradient projected off the locally chaotic directions, (1−γλ)² > 1' },
  ];
  return variants.map((v) => ({
    id: `fig1-${v.id}`,
    group: 'Figure 1',
    title: `Figure 1 — ${v.title}`,
    description: `${v.what}; ${FIG1_STEPS} steps with the spectrum at every step.`,
    config: { ...base(`fig1 ${v.title}`, FIG1_STEPS, ['fig1', v.id]), cgd: v.cgd },
    followUp: null,
  }));
}

function figure2(): Preset[] {
  return [2000, 5000, 10000].map((start) => ({
    id: `fig2-prune-${start}`,
    group: 'Figure 2',
    title: `Figure 2 — prune neg from step ${start}`,
    description: `SGD until step ${start}, then CGD removing the negative-curvature directions; ${FIG2_STEPS} steps.`,
    config: { ...base(`fig2 prune@${start}`, FIG2_STEPS, ['fig2', `start-${start}`]), cgd: cgd('neg', start) },
    followUp: null,
  }));
}

function figure3(): Preset[] {
  const lyap = { ...base('fig3 lyapunov', FIG3_STEPS, ['fig3', 'lyapunov']), lyapunov: { ...defaultSection('lyapunov'), k: 32 } };
  const replicas = (strategy: 'max_chaos' | 'randn'): RunConfig => ({
    ...base(`fig3 replicas ${strategy}`, FIG3_STEPS, ['fig3', 'replicas', strategy]),
    replicas: { ...defaultSection('replicas'), strategy, eps: [0.1], seeds: [0, 1, 2, 3, 4], lyapunovSource: strategy === 'randn' ? null : PREVIOUS_RUN },
  });
  return [
    {
      id: 'fig3-lyapunov-replicas',
      group: 'Figure 3',
      title: 'Figure 3 — Lyapunov run, then 5 replicas',
      description: `${FIG3_STEPS} steps tracking 32 Lyapunov exponents, then 5 replicas (ε = 0.1) perturbed along the top expanding Lyapunov vector.`,
      config: lyap,
      followUp: replicas('max_chaos'),
    },
    {
      id: 'fig3-replicas-random',
      group: 'Figure 3',
      title: 'Figure 3 — 5 replicas, random direction',
      description: '5 replicas (ε = 0.1, seeds 0–4) perturbed in a random direction, as the control.',
      config: replicas('randn'),
      followUp: null,
    },
  ];
}

export const PRESETS: Preset[] = [...figure1(), ...figure2(), ...figure3()];
