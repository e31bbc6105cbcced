// Rules that tie config fields together, checked after every field is valid on its own. Each names the
// field the user should change.
import { IMAGE_SIDES, TRAIN_SIZE, trainImages } from '../datasets';
import { modelSpec } from '../model-layout';
import type { ConfigPath, RunConfig } from './types';

export interface Rule {
  name: string;
  field: ConfigPath;
  /** The message when the config breaks the rule, else null. */
  check(c: RunConfig): string | null;
}

/** lyapunov.subsimAt steps, one metric series each (frames.ts lyap_subsim_1, lyap_subsim_2). */
export const SUBSIM_SERIES = 2;
const LYAPUNOV_STRATEGY = /_(chaos|convergence)$|^all$/;

/** The model's parameter count n, or null when the image side is refused (then data.imageSide says why). */
function parameters(c: RunConfig): number | null {
  if (!IMAGE_SIDES[c.data.dataset].includes(c.data.imageSide)) return null;
  try {
    return modelSpec(c.model, c.data.imageSide).n;
  } catch {
    return null;
  }
}

export const RULES: readonly Rule[] = [
  {
    name: 'the data set offers the image side',
    field: 'data.imageSide',
    check: (c) => {
      const sides = IMAGE_SIDES[c.data.dataset];
      return sides.includes(c.data.imageSide)
        ? null
        : `${c.data.dataset} images are ${sides.map((s) => `${s}×${s}`).join(' or ')}: must be ${sides.join(' or ')}`;
    },
  },
  {
    name: 'the training limit fits the data set',
    field: 'data.trainLimit',
    check: (c) =>
      c.data.trainLimit !== null && c.data.trainLimit > TRAIN_SIZE[c.data.dataset]
        ? `${c.data.trainLimit} exceeds the ${TRAIN_SIZE[c.data.dataset]} training images of ${c.data.dataset}`
        : null,
  },
  {
    name: 'the full-batch subset belongs to gradient descent',
    field: 'train.subset',
    check: (c) => (c.train.subset !== null && c.train.mode !== 'gd' ? "only used by train.mode 'gd' (for SGD on fewer images use data.trainLimit)" : null),
  },
  {
    name: 'the full-batch subset fits the data',
    field: 'train.subset',
    check: (c) =>
      c.train.subset !== null && c.train.subset > trainImages(c.data)
        ? `${c.train.subset} exceeds the ${trainImages(c.data)} training images (${c.data.trainLimit === null ? c.data.dataset : 'data.trainLimit'})`
        : null,
  },
  {
    name: 'a batch order is a minibatch order',
    field: 'train.batchOrderFile',
    check: (c) => (c.train.batchOrderFile && c.train.mode === 'gd' ? "replays minibatches: not with train.mode 'gd'" : null),
  },
  {
    name: 'the top-k and bottom-k eigenpairs are distinct',
    field: 'spectrum.k',
    check: (c) => {
      const n = parameters(c);
      return c.spectrum.method === 'lanczos' && n !== null && 2 * c.spectrum.k > n
        ? `must be at most n/2 = ${Math.floor(n / 2)}: the top-k and bottom-k of the model's n = ${n} parameters (for all of them use spectrum.method 'exact')`
        : null;
    },
  },
  {
    name: 'Lanczos needs room for the eigenpairs it reports',
    field: 'spectrum.lanczosSteps',
    check: (c) =>
      c.spectrum.method === 'lanczos' && c.spectrum.lanczosSteps < 2 * c.spectrum.k
        ? `must be ≥ 2·spectrum.k = ${2 * c.spectrum.k} (the Krylov space holds the top-k and the bottom-k)`
        : null,
  },
  {
    name: 'USPS needs its directory',
    field: 'data.dir',
    check: (c) => (c.data.dataset === 'usps' && !c.data.dir ? 'USPS needs the directory holding zip.train.gz/zip.test.gz (or usps.bz2/usps.t.bz2)' : null),
  },
  {
    name: 'CGD projects off each step’s eigenvectors',
    field: 'spectrum.every',
    check: (c) =>
      c.cgd && c.spectrum.every !== 1 && !c.cgd.basisFile ? 'CGD needs the spectrum at every step (set 1) unless cgd.basisFile gives a fixed basis' : null,
  },
  {
    name: 'Lyapunov exponents need every step’s Jacobian',
    field: 'spectrum.every',
    check: (c) => (c.lyapunov && c.spectrum.every !== 1 ? 'Lyapunov exponents need the Hessian at every step (set 1)' : null),
  },
  {
    name: 'subspace similarity has two series',
    field: 'lyapunov.subsimAt',
    check: (c) => (c.lyapunov && c.lyapunov.subsimAt.length > SUBSIM_SERIES ? `at most ${SUBSIM_SERIES} steps (lyap_subsim_1, lyap_subsim_2)` : null),
  },
  {
    name: 'a file direction needs its file',
    field: 'replicas.directionFile',
    check: (c) => (c.replicas?.strategy === 'file' && !c.replicas.directionFile ? "required when strategy is 'file'" : null),
  },
  {
    name: 'Lyapunov strategies need a source',
    field: 'replicas.lyapunovSource',
    check: (c) =>
      c.replicas && LYAPUNOV_STRATEGY.test(c.replicas.strategy) && !c.replicas.lyapunovSource ? `required for strategy '${c.replicas.strategy}'` : null,
  },
];
